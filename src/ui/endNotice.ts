// When a broadcast ends without the host asking (the last shell exited, `guest-broadcast stop`
// from elsewhere, the tmux server died), say so and close the host terminal it leaves behind.
import * as vscode from 'vscode';
import { ActiveBroadcast } from './activeBroadcast';
import { HostTerminal } from './hostTerminal';

export class EndNotice implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(active: ActiveBroadcast, hostTerminal: HostTerminal) {
    this.subscription = active.onDidEnd((reason) => {
      hostTerminal.close();
      void vscode.window.showInformationMessage(`Guest Broadcast: the broadcast ended (${reason}).`);
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
