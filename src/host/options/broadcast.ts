// Validated host options to what Broadcast.start() takes from them: the route that serves the
// guests (the mode names it: the embedded SSH server, or the machine's sshd), and the tmux
// server's side (socket, session, what it runs).
import type { BroadcastOptions } from '../broadcast';
import { EmbeddedSshRoute } from '../routes/embeddedSshRoute';
import type { Route } from '../routes/route';
import { SystemSshRoute } from '../routes/systemSshRoute';
import { EmbeddedServerContext, embeddedServerOptions } from './embeddedServer';
import { webRoute } from './webRoute';
import { relayRoute } from './relayRoute';
import type { HostOptions } from './parse';

export type HostBroadcastOptions = Pick<BroadcastOptions, 'routes' | 'socketPath' | 'sessionName' | 'command' | 'configFile'>;

/** The SSH route the mode names, made from the options. */
export function sshRoute(host: HostOptions, embedded: EmbeddedServerContext): EmbeddedSshRoute | SystemSshRoute {
  return host.mode === 'embedded' ? new EmbeddedSshRoute(embeddedServerOptions(host, embedded)) : new SystemSshRoute({ guestUser: host.guestUser, sshPort: host.sshPort });
}

/** Broadcast options from host options; `routes` may add routes served beside the SSH route (and the browser route of --web). */
export function broadcastOptions(host: HostOptions, embedded: EmbeddedServerContext, routes: Route[] = []): HostBroadcastOptions {
  return {
    routes: [sshRoute(host, embedded), ...(host.web ? [webRoute(host, embedded)] : []), ...(host.relay ? [relayRoute(host, embedded)] : []), ...routes],
    socketPath: host.socketPath,
    sessionName: host.sessionName,
    command: host.command,
    configFile: host.tmuxConfig,
  };
}
