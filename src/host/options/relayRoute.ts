// Validated host options to the relay route (--relay): its id lives in the state folder with the
// host key, and its groups count against the broadcast's cap on sizes.
import { RelayRoute } from '../relay/relayRoute';
import type { EmbeddedServerContext } from './embeddedServer';
import type { HostOptions } from './parse';

export function relayRoute(host: HostOptions, context: EmbeddedServerContext): RelayRoute {
  if (!host.relay) throw new Error('relayRoute() needs the --relay options.');
  return new RelayRoute({
    urls: host.relay.urls,
    id: host.relay.id,
    auth: host.relay.auth,
    optionNames: host.relay.names,
    stateDir: host.stateDir ?? context.defaultStateDir,
    access: { policy: host.access, stateDir: host.stateDir ?? context.defaultStateDir, authorizedKeysFile: host.authorizedKeysFile },
    maxSizeGroups: host.maxSizeGroups,
    appRoot: context.appRoot,
    onWarning: context.onWarning,
  });
}
