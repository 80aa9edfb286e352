// How a broadcast's owner tells "stopped on purpose from elsewhere" from "its tmux server died":
// the stopper (guest-broadcast stop, VS Code's Stop in another window) leaves a small file next
// to the socket before it kills the server, and the owner, seeing the server gone, takes it.
// A file, not a tmux marker: the owner only looks once the server (and its markers) are gone.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

function stopMarkerPath(socketPath: string): string {
  return join(dirname(socketPath), `.${basename(socketPath)}.stopped`);
}

/** Records who stops the broadcast on `socketPath`. Best effort: without it the owner says the server exited. */
export function leaveStopMarker(socketPath: string, stoppedBy: string): void {
  try {
    writeFileSync(stopMarkerPath(socketPath), stoppedBy.slice(0, 200) + '\n', { mode: 0o644 });
  } catch {
    // a folder we cannot write to: the owner's message is then less precise, nothing worse
  }
}

/** Removes the marker (a stop that failed, or a stale one at start). */
export function clearStopMarker(socketPath: string): void {
  rmSync(stopMarkerPath(socketPath), { force: true });
}

/** Who stopped the broadcast, if a stopper said so; the marker is removed. */
export function takeStopMarker(socketPath: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(stopMarkerPath(socketPath), 'utf8').trim();
  } catch {
    return undefined;
  }
  try {
    clearStopMarker(socketPath);
  } catch {
    // left for the next start to clear
  }
  return text || undefined;
}
