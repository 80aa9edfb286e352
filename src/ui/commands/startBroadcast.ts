// Guest Broadcast: Start guest broadcast. Reads the settings (so a change applies to this start),
// starts or adopts the broadcast, and opens the host's read-write terminal.
import * as vscode from 'vscode';
import { isLoopback, parseListen } from '../../host/embedded/listen';
import { HostParts } from '../hostParts';
import { readHostSettings } from '../settings';

export function startBroadcast(parts: HostParts) {
  return async (): Promise<void> => {
    const settings = readHostSettings();
    const before = parts.active.current;
    const broadcast =
      before ??
      (await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Starting guest broadcast…' }, () => parts.active.start(settings)));
    parts.hostTerminal.show(broadcast);
    if (before) {
      void vscode.window.showInformationMessage(
        `Guest Broadcast: already broadcasting "${broadcast.sessionName}". Changed settings apply after Stop and Start.`,
      );
      return;
    }
    const fingerprint = broadcast.hostKeyFingerprint;
    parts.output.appendLine(
      `${broadcast.startedNow ? 'Started' : 'Adopted'} "${broadcast.sessionName}" (${broadcast.mode} mode) on ${broadcast.socketPath}; ` +
        `watch: ${broadcast.watchCommand}${fingerprint ? `; host key ${fingerprint}` : ''}`,
    );
    for (const warning of broadcast.lastFixup?.warnings ?? []) {
      parts.output.appendLine(`Warning: ${warning}`);
      void vscode.window.showWarningMessage(`Guest Broadcast: ${warning}`);
    }
    const listen = broadcast.listenAddress;
    const access = parts.active.startedWith?.access ?? settings.access;
    if (listen && !isLoopback(parseListen(listen).host)) {
      void vscode.window.showWarningMessage(
        `Guest Broadcast listens on ${listen}: anyone who can reach this machine there can try to watch (access: ${access}). ` +
          'Set guestBroadcast.listen to 127.0.0.1:PORT to keep it to this machine.',
      );
    }
    const verb = broadcast.startedNow ? 'Broadcasting' : 'Resumed the running broadcast of';
    const actions = ['Copy watch command', ...(broadcast.mode === 'embedded' && access === 'password' ? ['Copy passphrase'] : []), 'Show viewers'];
    // Not awaited: the command is done once the broadcast runs, whenever the host answers.
    void vscode.window
      .showInformationMessage(
        `Guest Broadcast: ${verb} "${broadcast.sessionName}". Guests watch with: ${broadcast.watchCommand}${fingerprint ? ` (host key ${fingerprint})` : ''}`,
        ...actions,
      )
      .then((choice) => {
        if (choice === 'Copy watch command') void vscode.commands.executeCommand('guestBroadcast.copyWatchCommand');
        if (choice === 'Copy passphrase') void vscode.commands.executeCommand('guestBroadcast.copyPassphrase');
        if (choice === 'Show viewers') void vscode.commands.executeCommand('guestBroadcast.showViewers');
      });
  };
}
