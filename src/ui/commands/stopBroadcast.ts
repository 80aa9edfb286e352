// Guest Broadcast: Stop guest broadcast. Every guest is told; says so when nothing runs.
import * as vscode from 'vscode';
import { HostParts } from '../hostParts';
import { HostSettings, readHostSettings } from '../settings';

export function stopBroadcast(parts: HostParts) {
  return async (): Promise<void> => {
    let settings: HostSettings | undefined;
    try {
      settings = readHostSettings();
    } catch {
      // A bad setting must not keep the host from stopping this window's broadcast.
      settings = undefined;
    }
    const result = await parts.active.stop(settings);
    parts.hostTerminal.close();
    switch (result.kind) {
      case 'stopped':
        void vscode.window.showInformationMessage(`Guest Broadcast: stopped "${result.session}"; every guest was told.`);
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
