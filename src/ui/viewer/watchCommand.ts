// `Guest Broadcast: Watch host…`: asks for [user@]host[:port] (or an ~/.ssh/config alias) and
// opens a read-only viewer. Called with a string (from another command or a link), it skips the box.
import * as vscode from 'vscode';
import { parseTargetSpec } from '../../viewer';
import type { ViewerRegistry } from './viewerRegistry';

const LAST_TARGET_KEY = 'guestBroadcast.lastWatchTarget';

/** Checks the form as the user types; ~/.ssh/config is applied after Enter. */
export function validateTargetSpec(text: string): string | undefined {
  if (!text.trim()) return 'Type a host: [user@]host[:port] or an ~/.ssh/config alias.';
  try {
    parseTargetSpec(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export function registerWatchCommand(context: vscode.ExtensionContext, registry: ViewerRegistry): vscode.Disposable {
  return vscode.commands.registerCommand('guestBroadcast.watch', async (spec?: unknown) => {
    let target = typeof spec === 'string' ? spec.trim() : undefined;
    if (!target) {
      target = await vscode.window.showInputBox({
        title: 'Guest Broadcast: Watch host',
        prompt: 'The broadcast host as [user@]host[:port] or an ~/.ssh/config alias. The user defaults to guest, the port to 22. What you type in the viewer is never sent.',
        placeHolder: 'guest@example.org:2222',
        value: context.globalState.get<string>(LAST_TARGET_KEY, ''),
        ignoreFocusOut: true,
        validateInput: validateTargetSpec,
      });
      if (!target) return;
      target = target.trim();
    }
    await context.globalState.update(LAST_TARGET_KEY, target);
    await registry.watch(target);
  });
}
