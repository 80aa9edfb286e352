// What the embedded SSH route needs in VS Code beside the settings. Its server (ssh2, and node-pty
// behind it) is loaded when the broadcast starts the route, never at activation.
import * as vscode from 'vscode';
import { SETTING_NAMES } from '../host/options/names';
import type { EmbeddedServerContext } from '../host/options/embeddedServer';
import { HostSettings } from './settings';

/** Where the host key and the passphrase live: the extension's global storage. */
export function embeddedStateDir(context: vscode.ExtensionContext): string {
  return context.globalStorageUri.fsPath;
}

/** What the embedded SSH route needs in VS Code beyond the settings: where its state lives, whom it tells. */
export function embeddedServerContextFor(settings: HostSettings, context: vscode.ExtensionContext, log: vscode.OutputChannel): EmbeddedServerContext {
  return {
    names: SETTING_NAMES,
    // The host key is kept here so guests' known_hosts stay valid across restarts.
    defaultStateDir: embeddedStateDir(context),
    // So the server loads VS Code's own node-pty, built for this VS Code's runtime.
    appRoot: vscode.env.appRoot,
    onJoin: (guest) => {
      log.appendLine(`${guest.user} (${guest.address}) is watching.`);
      if (settings.notifyOnJoin) void vscode.window.showInformationMessage(`Guest Broadcast: ${guest.user} (${guest.address}) is watching.`);
    },
    onLeave: (guest) => log.appendLine(`${guest.user} (${guest.address}) stopped watching: ${guest.reason}.`),
    onWarning: (message) => {
      log.appendLine(`Warning: ${message}`);
      void vscode.window.showWarningMessage(`Guest Broadcast: ${message}`);
    },
  };
}
