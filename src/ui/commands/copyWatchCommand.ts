// Guest Broadcast: Copy watch command. The line a guest types to watch (`ssh -p 2222 guest@host`).
import * as vscode from 'vscode';
import { HostParts } from '../hostParts';
import { offerStart } from './offerStart';

export function copyWatchCommand(parts: HostParts) {
  return async (): Promise<void> => {
    const broadcast = parts.active.current;
    if (!broadcast) {
      offerStart('no broadcast is running, so there is nothing to watch yet.');
      return;
    }
    await vscode.env.clipboard.writeText(broadcast.joinCommand);
    const fingerprint = broadcast.hostKeyFingerprint;
    void vscode.window.showInformationMessage(
      `Guest Broadcast: copied "${broadcast.joinCommand}". Guests paste it into any terminal` + (fingerprint ? `; the host key they should see is ${fingerprint}.` : '.'),
    );
  };
}
