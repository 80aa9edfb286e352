// After a window reload the tmux server (and the host's work) is still running: find it on the
// configured socket so the status bar and commands know it again.
import * as vscode from 'vscode';
import { ActiveBroadcast } from './activeBroadcast';
import { readHostSettings } from './settings';

export async function resumeAfterReload(active: ActiveBroadcast, output: vscode.OutputChannel): Promise<void> {
  try {
    await active.resume(readHostSettings());
  } catch (error) {
    // Quietly: the host did not ask for anything in this window yet. Start reports problems.
    output.appendLine(`Could not resume a running broadcast: ${error instanceof Error ? error.message : String(error)}`);
  }
}
