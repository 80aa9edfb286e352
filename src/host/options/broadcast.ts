// Validated host options to what Broadcast.start() takes from them (the tmux server's side:
// socket, session, what it runs, and how system-mode guests reach sshd).
import type { BroadcastOptions } from '../broadcast';
import type { HostOptions } from './parse';

export type HostBroadcastOptions = Pick<BroadcastOptions, 'mode' | 'socketPath' | 'sessionName' | 'guestUser' | 'sshPort' | 'command' | 'configFile'>;

export function broadcastOptions(host: HostOptions): HostBroadcastOptions {
  return {
    mode: host.mode,
    socketPath: host.socketPath,
    sessionName: host.sessionName,
    guestUser: host.guestUser,
    sshPort: host.sshPort,
    command: host.command,
    configFile: host.tmuxConfig,
  };
}
