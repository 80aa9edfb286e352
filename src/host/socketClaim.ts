// Who may serve the broadcast on a socket: adopting the one already running there only when its
// owner is gone (a crash, a VS Code reload) and it is the same session and mode, else making the
// socket's folder for a new one. Never takes a broadcast from a live owner (BroadcastServedError).
import { readMarkers } from '../tmux/broadcastSession';
import { Tmux } from '../tmux/tmux';
import { prepareSocketDir } from './permissionFixup';
import { BroadcastServedError } from './servedError';
import { clearStopMarker } from './stopMarker';
import { claimOwnership, OWNER_PID_MARKER, otherLiveOwner, recordedOwner } from './owner';

export interface SocketClaim {
  /** The running broadcast's markers when adopting it; undefined when a new one is to be made. */
  markers: Record<string, string> | undefined;
  /** The topmost socket folder made for a new broadcast (none when they all existed). */
  madeDir: string | undefined;
}

/**
 * Claims `tmux`'s socket for a broadcast of `sessionName` served first by a route of kind `main`.
 * `sharedSocket`: guests open the socket themselves, so its folder is made traversable.
 */
export async function claimSocket(tmux: Tmux, sessionName: string, main: string, sharedSocket: boolean): Promise<SocketClaim> {
  const socketPath = tmux.socketPath;
  const tmuxBin = tmux.bin;
  let madeDir: string | undefined;
  const markers = await readMarkers(tmux);
  if (markers) {
    const owner = otherLiveOwner(markers);
    if (owner !== undefined) throw new BroadcastServedError(socketPath, markers, owner, tmuxBin);
    if (markers.session !== sessionName) {
      throw new Error(`A broadcast of session "${markers.session}" already runs on ${socketPath}. Stop it first (guest-broadcast stop --socket ${socketPath}) or choose another socket.`);
    }
    if (markers.mode && markers.mode !== main) {
      throw new Error(`A ${markers.mode}-mode broadcast already runs on ${socketPath}. Stop it first or start in ${markers.mode} mode.`);
    }
    // Adopting: take ownership before serving anything, so a concurrent adopter loses cleanly.
    if (!(await claimOwnership(tmux, markers[OWNER_PID_MARKER] ?? ''))) {
      const now = (await readMarkers(tmux)) ?? markers;
      throw new BroadcastServedError(socketPath, now, recordedOwner(now) ?? 0, tmuxBin);
    }
  } else {
    if ((await tmux.serverPid()) !== undefined) {
      throw new Error(`${socketPath} belongs to a tmux server that is not a guest broadcast. Choose another socket path (setting guestBroadcast.socketPath or --socket).`);
    }
    madeDir = prepareSocketDir(socketPath, sharedSocket);
  }
  // A stop marker left by a stop that found no owner to take it would mislabel this broadcast's end.
  try {
    clearStopMarker(socketPath);
  } catch {
    // not ours to remove: a later crash may then read as a stop, which says no more than before
  }
  return { markers, madeDir };
}
