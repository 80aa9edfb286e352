// Guest Broadcast for VS Code: activate() builds the host's parts and registers the commands.
// Nothing here loads node-pty or opens a socket: the commands do, when asked. VS Code runs this at
// every window start, so each command's code is imported when it first runs (lazyCommand.ts),
// and what activation imports stays small: the status bar, the context keys, the hosts view.
import * as vscode from 'vscode';
import { ActiveBroadcast } from './ui/activeBroadcast';
import { GuestBroadcastApi } from './ui/api';
import { EndNotice } from './ui/endNotice';
import { HostParts, reportingErrors } from './ui/hostParts';
import { HostContextKeys } from './ui/contextKeys';
import { HostTerminal } from './ui/hostTerminal';
import { lazyCommand } from './ui/lazyCommand';
import { resumeAfterReload } from './ui/resume';
import { registerWatcherUi } from './ui/watcher/registerWatcherUi';
import { BroadcastStatusBar } from './ui/broadcastStatusBar';
import { RecordingStatusBar } from './ui/recordingStatusBar';

export function activate(context: vscode.ExtensionContext): GuestBroadcastApi {
  const output = vscode.window.createOutputChannel('Guest Broadcast');
  const active = new ActiveBroadcast(context, output);
  const hostTerminal = new HostTerminal();
  const statusBar = new BroadcastStatusBar(active);
  const recordingBar = new RecordingStatusBar(active);
  const contextKeys = new HostContextKeys(active);
  context.subscriptions.push(output, active, hostTerminal, statusBar, recordingBar, contextKeys, new EndNotice(active, hostTerminal));
  const parts: HostParts = { context, active, hostTerminal, output };

  // A failed load reaches the user as the command's failure, like any other (reportingErrors).
  const commands = {
    'guestBroadcast.start': reportingErrors(parts, 'Start guest broadcast', lazyCommand(async () => (await import('./ui/commands/startBroadcast')).startBroadcast(parts))),
    'guestBroadcast.stop': reportingErrors(parts, 'Stop guest broadcast', lazyCommand(async () => (await import('./ui/commands/stopBroadcast')).stopBroadcast(parts))),
    'guestBroadcast.showViewers': reportingErrors(parts, 'Show viewers', lazyCommand(async () => (await import('./ui/commands/showGuests')).showViewers(parts))),
    'guestBroadcast.copyWatchCommand': reportingErrors(parts, 'Copy watch command', lazyCommand(async () => (await import('./ui/commands/copyWatchCommand')).copyWatchCommand(parts))),
    'guestBroadcast.copyRelayWatchCommand': reportingErrors(parts, 'Copy relay watch command', lazyCommand(async () => (await import('./ui/commands/copyRelayWatchCommand')).copyRelayWatchCommand(parts))),
    'guestBroadcast.copyBrowserLink': reportingErrors(parts, 'Copy browser link', lazyCommand(async () => (await import('./ui/commands/copyBrowserLink')).copyBrowserLink(parts))),
    'guestBroadcast.copyPassphrase': reportingErrors(parts, 'Copy guest passphrase', lazyCommand(async () => (await import('./ui/commands/passphrase')).copyPassphrase(parts))),
    'guestBroadcast.regeneratePassphrase': reportingErrors(parts, 'Regenerate guest passphrase', lazyCommand(async () => (await import('./ui/commands/passphrase')).regeneratePassphrase(parts))),
    'guestBroadcast.setupGuest': reportingErrors(parts, 'Set up guest account', lazyCommand(async () => (await import('./ui/commands/setupGuest')).setupGuest(parts))),
    'guestBroadcast.checkGuestSetup': reportingErrors(parts, 'Check guest setup', lazyCommand(async () => (await import('./ui/commands/checkGuestSetup')).checkGuestSetup(parts))),
    'guestBroadcast.pause': reportingErrors(parts, 'Pause broadcast', lazyCommand(async () => (await import('./ui/commands/curtain')).pauseBroadcast(parts))),
    'guestBroadcast.resume': reportingErrors(parts, 'Resume broadcast', lazyCommand(async () => (await import('./ui/commands/curtain')).resumeBroadcast(parts))),
    // The status bar's click while paused; not in the palette (Pause and Resume are).
    'guestBroadcast.startRecording': reportingErrors(parts, 'Start recording', lazyCommand(async () => (await import('./ui/commands/recording')).startRecording(parts))),
    'guestBroadcast.stopRecording': reportingErrors(parts, 'Stop recording', lazyCommand(async () => (await import('./ui/commands/recording')).stopRecording(parts))),
    'guestBroadcast.curtainActions': reportingErrors(parts, 'Paused broadcast', lazyCommand(async () => (await import('./ui/commands/curtain')).curtainActions(parts))),
  };
  for (const [id, run] of Object.entries(commands)) context.subscriptions.push(vscode.commands.registerCommand(id, run));

  // The watcher's half: Watch host…, the viewer panels and the Broadcast hosts sidebar.
  const hostsTree = registerWatcherUi(context);

  void resumeAfterReload(active, output);

  return {
    get statusBarText() {
      return statusBar.text;
    },
    get statusBarTooltip() {
      return statusBar.tooltipText;
    },
    get statusBarRendered() {
      return statusBar.rendered;
    },
    get recordingStatusBarText() {
      return recordingBar.text;
    },
    status: () => active.current?.status(),
    get contextKeys() {
      return contextKeys.values;
    },
    get hostTerminal() {
      return hostTerminal.current;
    },
    hostsTree,
  };
}

export function deactivate(): void {
  // The subscriptions' dispose() stops following the broadcast; tmux keeps the host's work alive.
}
