// The embedded SSH server's entry point, loaded only when a broadcast starts the embedded route
// (routes/embeddedSshRoute.ts): ssh2 and node-pty stay unloaded otherwise.
import type { RouteContext } from '../routes/route';
import { fanoutFor } from '../fanout/sharedFanout';
import { hostSizeFor } from '../fanout/hostSizeFeed';
import { connectionLimitsFor } from '../connectionLimits';
import { ensureStateDir } from './stateFiles';
import { loadOrCreateHostKey } from './hostKey';
import { readAuthorizedKeys } from './authorizedKeys';
import { authorizedKeysPath } from './access';
import { EMBEDDED_DEFAULTS, EmbeddedServerOptions } from './options';
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

/** Checks the options, binds the listen address and serves the broadcast's session to guests. */
export async function startEmbeddedServer(options: EmbeddedServerOptions, context: RouteContext): Promise<EmbeddedGuestServer> {
  preflight(options);
  const groups = fanoutFor(context, { maxGroups: options.maxSizeGroups ?? EMBEDDED_DEFAULTS.maxSizeGroups, appRoot: options.appRoot });
  const limits = connectionLimitsFor(
    context,
    options.maxViewers ?? EMBEDDED_DEFAULTS.maxViewers,
    options.maxConnectionsPerAddress ?? EMBEDDED_DEFAULTS.maxConnectionsPerAddress,
  );
  const server = new EmbeddedGuestServer(options, context.tmux, loadOrCreateHostKey(options.stateDir), { groups, limits, hostSize: hostSizeFor(context) });
  await server.listen();
  return server;
}
