// The questions a watch session may need a person for, asked in VS Code: trust an unknown host
// key (modal, with the fingerprint) and a password or passphrase (masked input).
import * as vscode from 'vscode';
import type { HostKeyInfo, WatchPrompts } from '../../watcher/types';

/** `closed` is cancelled when the viewer's panel closes: a password box still open goes away. */
export function vscodePrompts(title: string, closed: vscode.CancellationToken): WatchPrompts {
  return {
    async confirmNewHostKey(info: HostKeyInfo): Promise<boolean> {
      if (closed.isCancellationRequested) return false;
      const where = info.port === 22 ? info.host : `[${info.host}]:${info.port}`;
      const choice = await vscode.window.showInformationMessage(
        `The authenticity of host ${where} can't be established.`,
        {
          modal: true,
          detail: `${info.keyType} key fingerprint is ${info.fingerprint}.\n\n` +
            `Trust it only if it matches the fingerprint the host's owner gave you. ` +
            `Trusting remembers the key for ${title}; a changed key will be refused.`,
        },
        'Trust',
      );
      // The modal's own Cancel (or Escape) answers undefined: not trusted.
      return choice === 'Trust';
    },
    askSecret(prompt: string): Promise<string | undefined> {
      return Promise.resolve(vscode.window.showInputBox({
        title: `Guest Broadcast: ${title}`,
        prompt,
        password: true,
        ignoreFocusOut: true,
      }, closed));
    },
  };
}
