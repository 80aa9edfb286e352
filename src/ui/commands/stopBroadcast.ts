// Guest Broadcast: Stop guest broadcast. Every guest is told; says so when nothing runs. With
// guests watching it asks first (a modal: stopping ends their view), unless
// guestBroadcast.confirmStop is off.
import * as vscode from 'vscode';
import { viewerCountLabel } from '../../host/guests';
import { HostParts } from '../hostParts';
import { HostSettings, readHostSettings } from '../settings';

const STOP = 'Stop';
const STOP_ALWAYS = 'Stop, and do not ask again';

/** true: go on. Asks only while someone watches this window's broadcast and the setting wants it. */
async function confirmed(parts: HostParts): Promise<boolean> {
  const watching = parts.active.current?.guests.length ?? 0;
  const config = vscode.workspace.getConfiguration('guestBroadcast');
  if (watching === 0 || !config.get<boolean>('confirmStop', true)) return true;
  const answer = await vscode.window.showWarningMessage(
    `Stop the broadcast? ${viewerCountLabel(watching)} ${watching === 1 ? 'is' : 'are'} watching.`,
    { modal: true, detail: 'Each guest is told that the broadcast ended. Your tmux session ends too.' },
    STOP,
    STOP_ALWAYS,
  );
  if (answer === STOP_ALWAYS) await config.update('confirmStop', false, vscode.ConfigurationTarget.Global);
  return answer === STOP || answer === STOP_ALWAYS;
}

export function stopBroadcast(parts: HostParts) {
  return async (): Promise<void> => {
    if (!(await confirmed(parts))) return;
    let settings: HostSettings | undefined;
    try {
      settings = readHostSettings();
    } catch {
      // A bad setting must not keep the host from stopping this window's broadcast.
      settings = undefined;
    }
    // A recording ends with the broadcast: say where it is.
    const recording = parts.active.current?.recording;
    const result = await parts.active.stop(settings);
    parts.hostTerminal.close();
    switch (result.kind) {
      case 'stopped':
        void vscode.window.showInformationMessage(`Guest Broadcast: stopped "${result.session}"; every guest was told.${recording ? ` The recording is in ${recording}.` : ''}`);
        break;
      case 'stoppedOther':
        void vscode.window.showInformationMessage(`Guest Broadcast: stopped the broadcast of "${result.session}" on ${result.socket}; every guest was told.`);
        break;
      case 'none':
        void vscode.window.showInformationMessage(`Guest Broadcast: no broadcast is running (socket ${result.socket}).`);
        break;
    }
  };
}
