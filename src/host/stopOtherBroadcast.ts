// Stopping a broadcast this process does not run: `guest-broadcast stop`, and *Stop guest
// broadcast* in a VS Code window that did not start it (the CLI's, another window's, one left by
// a crash). The broadcast is found by its tmux server's markers, so a tmux server that is not a
// broadcast is never killed, and it ends the way its owner would end it (endBroadcastServer:
// every guest told, then the server killed). One function so the CLI and VS Code stop the same
// thing the same way.
import { existsSync } from 'node:fs';
import { endBroadcastServer, ENDED_MESSAGE } from './broadcast';
import { BroadcastMode } from './paths';
import { findBroadcast } from './statusReader';
import { clearStopMarker, leaveStopMarker } from './stopMarker';

export interface StoppedBroadcast {
  /** The session that was broadcast ('' when its marker was missing). */
  session: string;
  socket: string;
}

/**
 * Stops the broadcast on `socket`, or when none is named on the default socket of `mode` and then
 * of the other mode (as findBroadcast looks). Resolves what it stopped, or undefined when no
 * broadcast runs there.
 */
/** stoppedBy: what the owner tells its user stopped it ("guest-broadcast stop"). */
export async function stopOtherBroadcast(mode: BroadcastMode, socket: string | undefined, stoppedBy: string): Promise<StoppedBroadcast | undefined> {
  // A socket that is not there holds no broadcast: say so without running tmux.
  if (socket && !existsSync(socket)) return undefined;
  const found = await findBroadcast(mode, socket);
  if (!found) return undefined;
  // Left before the kill, so the owner finds it when it sees the server gone.
  leaveStopMarker(found.tmux.socketPath, stoppedBy);
  try {
    await endBroadcastServer(found.tmux, ENDED_MESSAGE);
  } catch (error) {
    clearStopMarker(found.tmux.socketPath);
    throw error;
  }
  return { session: found.markers.session ?? '', socket: found.tmux.socketPath };
}
