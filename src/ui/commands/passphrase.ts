// Guest Broadcast: Copy guest passphrase / Regenerate guest passphrase, for the embedded
// server's `password` access policy. The passphrase lives in the extension's global storage;
// the server reads it at each login, so a regenerated one applies at once.
import * as vscode from 'vscode';
import { embeddedStateDir } from '../embeddedRoute';
import { HostParts } from '../hostParts';
import { readHostSettings } from '../settings';

/** The access policy guests meet now: the running broadcast's, else the setting's. */
function accessInUse(parts: HostParts): string {
  return parts.active.startedWith?.access ?? readHostSettings().access;
}

/** With no passphrase in use, says so once (and nothing is copied): no "copied" beside "not needed". */
function noPassphraseNeeded(parts: HostParts): boolean {
  const access = accessInUse(parts);
  if (access === 'password') return false;
  void vscode.window.showInformationMessage(
    `Guest Broadcast: guests need no passphrase while guestBroadcast.access is "${access}", so nothing was copied. Set it to "password" to require one.`,
    'Open Settings',
  ).then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'guestBroadcast.access');
  });
  return true;
}

export function copyPassphrase(parts: HostParts) {
  return async (): Promise<void> => {
    if (noPassphraseNeeded(parts)) return;
    const { loadOrCreatePassphrase } = await import('../../host/embedded/passphrase');
    await vscode.env.clipboard.writeText(loadOrCreatePassphrase(embeddedStateDir(parts.context)));
    void vscode.window.showInformationMessage('Guest Broadcast: copied the guests\u2019 passphrase.');
  };
}

export function regeneratePassphrase(parts: HostParts) {
  return async (): Promise<void> => {
    if (noPassphraseNeeded(parts)) return;
    const answer = await vscode.window.showWarningMessage(
      'Make a new guest passphrase?',
      { modal: true, detail: 'The old one stops working at once for new logins; guests already watching stay.' },
      'Regenerate',
    );
    if (answer !== 'Regenerate') return;
    const { regeneratePassphrase: regenerate } = await import('../../host/embedded/passphrase');
    await vscode.env.clipboard.writeText(regenerate(embeddedStateDir(parts.context)));
    void vscode.window.showInformationMessage('Guest Broadcast: made a new passphrase and copied it.');
  };
}
