// Which running broadcast a freshly activated window should adopt (after a reload the tmux
// server, and the host's work in it, is still there). Plain Node, so it is tested on real tmux.
import { existsSync } from 'node:fs';
import { defaultSocketPath } from '../host/paths';
import type { HostSettings } from './settings';

export type Adoptable =
  | { kind: 'adopt'; settings: HostSettings }
  | { kind: 'none' }
  /**
   * Another live process owns it (another window, the CLI), or its embedded guest server still
   * answers: adopting it would let that process's stop end the host's work under this window.
   */
  | { kind: 'servedElsewhere'; socket: string; listen: string; pid?: number };

/**
 * Looks on the configured socket only, and runs no tmux at all when its file does not exist
 * (the common case: activation stays free). The answer carries what the running server says
 * about itself (mode, session, guest user), which wins over the settings.
 */
export async function adoptableBroadcast(settings: HostSettings): Promise<Adoptable> {
  const socket = settings.socketPath || defaultSocketPath(settings.mode);
  if (!existsSync(socket)) return { kind: 'none' };
  // Imported only now: tmux's code is not needed at activation when no broadcast runs.
  const [{ findBroadcast }, { otherLiveOwner }, { canConnect }] = await Promise.all([import('../host/statusReader'), import('../host/owner'), import('../host/listenProbe')]);
  const found = await findBroadcast(settings.mode, socket);
  if (!found) return { kind: 'none' };
  const mode = found.markers.mode === 'system' ? 'system' : 'embedded';
  const listen = found.markers.listen;
  const owner = otherLiveOwner(found.markers);
  if (owner !== undefined) return { kind: 'servedElsewhere', socket, listen: listen || found.markers.watch || '', pid: owner };
  if (mode === 'embedded' && listen && (await canConnect(listen))) return { kind: 'servedElsewhere', socket, listen };
  return {
    kind: 'adopt',
    settings: {
      ...settings,
      mode,
      socketPath: socket,
      sessionName: found.markers.session || settings.sessionName,
      guestUser: found.markers['guest-user'] || settings.guestUser,
    },
  };
}
