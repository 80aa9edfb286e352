// What a command that needs a running broadcast says when there is none: why, with a button that
// starts one.
import * as vscode from 'vscode';

export function offerStart(why: string): void {
  void vscode.window
    .showInformationMessage(`Guest Broadcast: ${why}`, 'Start guest broadcast')
    .then((choice) => choice && vscode.commands.executeCommand('guestBroadcast.start'));
}
