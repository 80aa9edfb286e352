// The embedded mode's entry point: what the CLI and the VS Code UI hand to Broadcast.start().
import { GuestServerContext, GuestServerFactory } from '../guestServer';
import { ensureStateDir } from './stateFiles';
import { loadOrCreateHostKey } from './hostKey';
import { readAuthorizedKeys } from './authorizedKeys';
import { authorizedKeysPath } from './access';
import { EmbeddedServerOptions } from './options';
import { loadOrCreatePassphrase } from './passphrase';
import { EmbeddedGuestServer } from './server';
import { loadNodePty } from '../ptyLoader';

export { EmbeddedGuestServer } from './server';
export type { EmbeddedServerOptions, AccessPolicy } from './options';
export { EMBEDDED_DEFAULTS, ACCESS_POLICIES } from './options';
export { loadOrCreatePassphrase, regeneratePassphrase, readPassphrase } from './passphrase';
export { loadOrCreateHostKey } from './hostKey';

/**
 * Checks what needs the file system before a socket is bound (the state folder, the passphrase,
 * the authorized keys, node-pty), so a bad setup fails the start with a clear message instead of
 * failing each guest later. The values themselves (address, bounds) were checked by the host
 * options model (src/host/options/parse.ts), where every caller gets its options.
 */
function preflight(options: EmbeddedServerOptions): void {
  ensureStateDir(options.stateDir);
  if (options.access === 'password') loadOrCreatePassphrase(options.stateDir);
  if (options.access === 'keys') {
    const file = authorizedKeysPath({ policy: options.access, stateDir: options.stateDir, authorizedKeysFile: options.authorizedKeysFile });
    const { keys, problems } = readAuthorizedKeys(file, options.authorizedKeysSettingName);
    for (const problem of problems) options.onWarning?.(problem);
    if (!keys.length) throw new Error(`The authorized keys file ${file} holds no usable key, so nobody could watch. Add guests' public keys (one "ssh-ed25519 AAAA... name" a line).`);
  }
  // Fail now, not at the first guest, when no node-pty loads.
  loadNodePty(options.appRoot);
}

/** The guest server factory for Broadcast.start({ mode: 'embedded', guestServerFactory }). */
export function embeddedGuestServerFactory(options: EmbeddedServerOptions): GuestServerFactory {
  return async (context: GuestServerContext) => {
    preflight(options);
    const server = new EmbeddedGuestServer(options, context, loadOrCreateHostKey(options.stateDir));
    await server.listen();
    return server;
  };
}
