// Guest Broadcast: Copy guest passphrase / Regenerate guest passphrase, for the embedded
// server's `password` access policy. The passphrase lives in the extension's global storage;
// the server reads it at each login, so a regenerated one applies at once.
import * as vscode from 'vscode';
import { embeddedStateDir } from '../embeddedGuestServer';
import { HostParts } from '../hostParts';
import { readHostSettings } from '../settings';

function warnIfNotInUse(parts: HostParts): void {
  const access = parts.active.startedWith?.access ?? readHostSettings().access;
  if (access !== 'password') {
    void vscode.window.showWarningMessage(`Guest Broadcast: guests need no passphrase while guestBroadcast.access is "${access}"; set it to "password" to require one.`);
  }
}

export function copyPassphrase(parts: HostParts) {
  return async (): Promise<void> => {
    const { loadOrCreatePassphrase } = await import('../../host/embedded/passphrase');
    await vscode.env.clipboard.writeText(loadOrCreatePassphrase(embeddedStateDir(parts.context)));
    void vscode.window.showInformationMessage('Guest Broadcast: copied the guests\u2019 passphrase.');
    warnIfNotInUse(parts);
  };
}

export function regeneratePassphrase(parts: HostParts) {
  return async (): Promise<void> => {
    const answer = await vscode.window.showWarningMessage(
      'Make a new guest passphrase?',
      { modal: true, detail: 'The old one stops working at once for new logins; guests already watching stay.' },
      'Regenerate',
    );
    if (answer !== 'Regenerate') return;
    const { regeneratePassphrase: regenerate } = await import('../../host/embedded/passphrase');
    await vscode.env.clipboard.writeText(regenerate(embeddedStateDir(parts.context)));
    void vscode.window.showInformationMessage('Guest Broadcast: made a new passphrase and copied it.');
    warnIfNotInUse(parts);
  };
}
