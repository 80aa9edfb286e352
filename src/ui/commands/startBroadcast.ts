// Guest Broadcast: Start guest broadcast. Reads the settings (so a change applies to this start),
// starts or adopts the broadcast, and opens the host's read-write terminal.
import * as vscode from 'vscode';
import { isLoopback, parseListen } from '../../host/embedded/listen';
import { ListenError } from '../../host/embedded/listenError';
import { HostParts } from '../hostParts';
import { HostSettings, readHostSettings, SettingsError, settingName } from '../settings';

/** The settings whose value differs from what the running broadcast started with. */
export function changedSettings(startedWith: HostSettings | undefined, now: HostSettings): Array<keyof HostSettings> {
  if (!startedWith) return [];
  return (Object.keys(now) as Array<keyof HostSettings>).filter((k) => startedWith[k] !== now[k]);
}

export function startBroadcast(parts: HostParts) {
  return async (): Promise<void> => {
    let settings: HostSettings;
    try {
      settings = readHostSettings();
    } catch (error) {
      // A setting the host cannot use (a bad NATS URL in guestBroadcast.relay, …): the fix is
      // that setting, so offer to open it.
      if (!(error instanceof SettingsError)) throw error;
      parts.output.appendLine(`Start guest broadcast failed: ${error.message}`);
      const named = /guestBroadcast\.[A-Za-z]+/.exec(error.message)?.[0] ?? 'guestBroadcast';
      void vscode.window.showErrorMessage(`Guest Broadcast: ${error.message}`, 'Open Settings').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', named);
      });
      return;
    }
    const before = parts.active.current;
    let broadcast;
    try {
      broadcast =
        before ??
        (await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Starting guest broadcast…' }, () => parts.active.start(settings)));
    } catch (error) {
      // The port is taken (or not allowed): the fix is a setting, so offer to open it.
      if (!(error instanceof ListenError)) throw error;
      parts.output.appendLine(`Start guest broadcast failed: ${error.message}`);
      void vscode.window.showErrorMessage(`Guest Broadcast: ${error.message}`, 'Open Settings').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'guestBroadcast.listen');
      });
      return;
    }
    // Already broadcasting: a host terminal whose tmux client is gone (the host detached, the
    // client was killed) may still be listed for a moment, or stay as a dead tab. Showing it
    // was how Start once "failed to reopen" the host terminal: replace it instead.
    if (before && parts.hostTerminal.current && !(await parts.hostTerminal.attached(broadcast))) parts.hostTerminal.close();
    parts.hostTerminal.show(broadcast);
    if (before) {
      // Already broadcasting: the host terminal is focused (reopened when it was closed); the
      // settings note only when a setting really differs from what the broadcast started with.
      const changed = changedSettings(parts.active.startedWith, settings);
      void vscode.window.showInformationMessage(
        `Guest Broadcast: already broadcasting "${broadcast.sessionName}".` +
          (changed.length ? ` Changed settings (${changed.map(settingName).join(', ')}) apply after Stop and Start.` : ''),
      );
      return;
    }
    const fingerprint = broadcast.hostKeyFingerprint;
    parts.output.appendLine(
      `${broadcast.startedNow ? 'Started' : 'Adopted'} "${broadcast.sessionName}" (${broadcast.mode} mode) on ${broadcast.socketPath}; ` +
        `watch: ${broadcast.joinCommand}${fingerprint ? `; host key ${fingerprint}` : ''}`,
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
    const web = broadcast.describeRoutes().find((r) => r.kind === 'web');
    const relay = broadcast.status().relay;
    const actions = ['Copy watch command', ...(web ? ['Copy browser link'] : []), ...(relay ? ['Copy relay watch command'] : []), ...(access === 'password' && (broadcast.mode === 'embedded' || web) ? ['Copy passphrase'] : []), 'Show viewers'];
    // Not awaited: the command is done once the broadcast runs, whenever the host answers.
    void vscode.window
      .showInformationMessage(
        `Guest Broadcast: ${verb} "${broadcast.sessionName}". Guests watch with: ${broadcast.joinCommand}${fingerprint ? ` (host key ${fingerprint})` : ''}` +
          (web ? `, or in a browser: ${web.join}` : '') +
          (relay ? `, or through a relay (broadcast id ${relay.id}): ${relay.watch}` : ''),
        ...actions,
      )
      .then((choice) => {
        if (choice === 'Copy watch command') void vscode.commands.executeCommand('guestBroadcast.copyWatchCommand');
        if (choice === 'Copy relay watch command') void vscode.commands.executeCommand('guestBroadcast.copyRelayWatchCommand');
        if (choice === 'Copy browser link') void vscode.commands.executeCommand('guestBroadcast.copyBrowserLink');
        if (choice === 'Copy passphrase') void vscode.commands.executeCommand('guestBroadcast.copyPassphrase');
        if (choice === 'Show viewers') void vscode.commands.executeCommand('guestBroadcast.showViewers');
      });
  };
}
