// Guest Broadcast: Copy browser link. The secret link browser guests open (guestBroadcast.web).
import * as vscode from 'vscode';
import { HostParts } from '../hostParts';
import { offerStart } from './offerStart';

export function copyBrowserLink(parts: HostParts) {
  return async (): Promise<void> => {
    const broadcast = parts.active.current;
    if (!broadcast) {
      offerStart('no broadcast is running, so there is no link yet.');
      return;
    }
    const web = broadcast.describeRoutes().find((r) => r.kind === 'web');
    if (!web) {
      void vscode.window
        .showInformationMessage(
          'Guest Broadcast: this broadcast serves no browser guests. Set guestBroadcast.web (a port, or ADDRESS:PORT) and start the broadcast again.',
          'Open Settings',
        )
        .then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettings', 'guestBroadcast.web'));
      return;
    }
    await vscode.env.clipboard.writeText(web.join);
    void vscode.window.showInformationMessage(`Guest Broadcast: copied the browser link. Anyone who has it can watch (keep it to your guests): ${web.join}`);
  };
}
