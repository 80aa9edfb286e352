// What the host commands share: built once in activate() and handed to each command.
import * as vscode from 'vscode';
import { errorForLog } from '../errorReport';
import { ActiveBroadcast } from './activeBroadcast';
import { HostTerminal } from './hostTerminal';

export interface HostParts {
  context: vscode.ExtensionContext;
  active: ActiveBroadcast;
  hostTerminal: HostTerminal;
  output: vscode.OutputChannel;
}

/**
 * Wraps a command so that a failure reaches the user as one clear message (and the log),
 * never as an unhandled rejection that VS Code would show as "command failed".
 */
export function reportingErrors<A extends unknown[], R>(parts: HostParts, what: string, run: (...args: A) => Promise<R>): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await run(...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      parts.output.appendLine(`${what} failed: ${message}`);
      // Also in the extension host's log, where a test run or a bug report finds it: one line
      // for an error meant for the user, the stack for a fault (errorReport.ts).
      console.error(`Guest Broadcast: ${what} failed: ${errorForLog(error)}`);
      void vscode.window.showErrorMessage(`Guest Broadcast: ${what} failed: ${message}`);
      return undefined;
    }
  };
}
