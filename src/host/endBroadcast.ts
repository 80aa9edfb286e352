// Ending a broadcast's tmux server, from its owner (Broadcast.stop) or from another process
// (`guest-broadcast stop`), and taking back the socket folders a start made.
import { dirname } from 'node:path';
import { existsSync, rmdirSync } from 'node:fs';
import { kickClient, listClients } from '../tmux/clients';
import { Tmux } from '../tmux/tmux';
import { processExists } from '../processExists';
import type { Route } from './routes/route';
import { endBehindCurtain } from './curtain/curtainTmux';
import { CURTAIN_POLL_SECONDS } from './curtain/curtainProgram';

/** Removes `from` and its parents up to and including `top` while they are empty. */
export function removeEmptyDirs(from: string, top: string): void {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      return; // not empty (something else lives there now), or already gone
    }
    if (dir === top || dirname(dir) === dir) return;
  }
}

/** Whether the process `pid` lives and the socket file is there. */
export function serverStillThere(pid: number, socketPath: string): boolean {
  return existsSync(socketPath) && processExists(pid);
}

/**
 * Ends a broadcast server: every route says its farewell to its guests, any read-only client
 * left is replaced by the same one-line message, then the tmux server is killed. Shared by
 * Broadcast.stop() and `guest-broadcast stop` from another process (which has no routes: the
 * owner's routes see their tmux clients end with the message and pass it on).
 */
export async function endBroadcastServer(tmux: Tmux, message: string, routes: readonly Route[] = []): Promise<void> {
  // Behind the curtain the guests' clients are locked: the curtain programs say goodbye, and the
  // server must go before any of them exits (tmux would unlock that client and redraw the session).
  const behindCurtain = await endBehindCurtain(tmux);
  await Promise.all(routes.map((r) => r.stop(message).catch(() => undefined)));
  const clients = await listClients(tmux);
  await Promise.all(clients.filter((c) => c.readOnly).map((c) => kickClient(tmux, c.name, message).catch(() => undefined)));
  // Give the clients a moment to print the message before their server disappears.
  if (behindCurtain) await new Promise((r) => setTimeout(r, CURTAIN_POLL_SECONDS * 2000 + 100));
  else if (clients.some((c) => c.readOnly)) await new Promise((r) => setTimeout(r, 150));
  await tmux.killServer();
}
