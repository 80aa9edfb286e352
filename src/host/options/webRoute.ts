// Validated host options to the browser route (--web): its link secret lives in the state folder
// with the host key, and its bounds are the broadcast's (counted with the SSH guests).
import { WebRoute } from '../web/webRoute';
import { asciicastStream } from '../web/streamViewer';
import type { EmbeddedServerContext } from './embeddedServer';
import { nameOf } from './names';
import type { HostOptions } from './parse';

export function webRoute(host: HostOptions, context: EmbeddedServerContext): WebRoute {
  if (!host.web) throw new Error('webRoute() needs the --web options.');
  const { names } = context;
  return new WebRoute({
    listen: host.web.listen,
    tls: host.web.tls,
    stateDir: host.stateDir ?? context.defaultStateDir,
    // The model refuses --web with --access keys.
    access: host.access === 'password' ? 'password' : 'open',
    maxViewers: host.maxViewers,
    maxConnectionsPerAddress: host.maxConnectionsPerAddress,
    handshakeTimeoutMs: host.loginTimeoutMs,
    maxSizeGroups: host.maxSizeGroups,
    maxAuthAttempts: context.maxAuthAttempts,
    names: { web: nameOf(names, 'web'), cert: nameOf(names, 'webCert'), key: nameOf(names, 'webKey') },
    appRoot: context.appRoot,
    onWarning: context.onWarning,
  },
  // The live stream for asciinema-player, only when no passphrase is asked (a player cannot give one).
  host.access === 'password' ? {} : { stream: asciicastStream() });
}
