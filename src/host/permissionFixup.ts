// The permission fixup: what a guest account needs to reach the broadcast socket, re-applied
// after every tmux server (re)start because tmux recreates the socket as 0600 and forgets its
// access list. The 2013 recipe's `chmod o+w` alone stopped working in tmux 3.3, which also
// checks `server-access`; this module does both.
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { userInfo } from 'node:os';
import { Tmux, TmuxError } from '../tmux/tmux';
import { assertSupported, TmuxVersion } from '../tmux/version';

export interface FixupReport {
  /** Human-readable steps that were applied, for logs and the doctor. */
  applied: string[];
  /** Problems the fixup could not solve itself, each with what to do. */
  warnings: string[];
}

/**
 * Creates the socket's folder before the server starts. System mode gives it mode 0711 so another
 * user (the guest) can traverse it without listing it; embedded mode keeps it private (0700)
 * because its guests are served by the host's own process.
 */
export function prepareSocketDir(socketPath: string, shareWithOtherUsers: boolean): string | undefined {
  const dir = dirname(socketPath);
  // The topmost folder this call made (undefined: all existed), so a failed start can take back
  // exactly what it made.
  const made = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (mayChangeMode(dir)) chmodSync(dir, shareWithOtherUsers ? 0o711 : 0o700);
  return made;
}

/**
 * Whether the socket's folder is ours to chmod: owned by this user and not a folder every user
 * shares. A socket put straight into /tmp (owned by root, mode 1777) must never make root's host
 * chmod /tmp: 0700 or 0711 there breaks every other program on the machine.
 */
export function mayChangeMode(dir: string): boolean {
  const st = statSync(dir);
  const sharedByEveryone = (st.mode & 0o1000) !== 0 || (st.mode & 0o002) !== 0; // sticky or world-writable
  return st.uid === userInfo().uid && !sharedByEveryone;
}

/** Folders above the socket that another user cannot traverse (no o+x). */
export function untraversableParents(socketPath: string): string[] {
  const blocked: string[] = [];
  let dir = dirname(socketPath);
  for (;;) {
    try {
      if ((statSync(dir).mode & 0o001) === 0) blocked.push(dir);
    } catch {
      blocked.push(dir);
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return blocked.reverse();
}

/**
 * Grants `guestUser` read-only access to the running server on `tmux`.
 * Embedded mode never calls this: its guests never touch the socket.
 */
export async function applyPermissionFixup(tmux: Tmux, version: TmuxVersion, guestUser: string): Promise<FixupReport> {
  // The version gate first: before 3.3 the 0602 socket below would let every local user in.
  assertSupported(version, 'system');
  const report: FixupReport = { applied: [], warnings: [] };
  const socketPath = tmux.socketPath;

  // The guest needs write permission on the socket to connect (o+w without o+r is enough).
  chmodSync(socketPath, 0o602);
  report.applied.push(`chmod 0602 ${socketPath}`);

  const dir = dirname(socketPath);
  if (mayChangeMode(dir)) {
    chmodSync(dir, 0o711);
    report.applied.push(`chmod 0711 ${dir}`);
  }
  for (const blocked of untraversableParents(socketPath)) {
    report.warnings.push(`${blocked} has no execute permission for other users, so "${guestUser}" cannot reach the socket: run "chmod o+x ${blocked}" or choose a socket path under /var/lib/tmux-sessions.`);
  }

  if (guestUser === userInfo().username) {
    report.warnings.push(`The guest user "${guestUser}" is the host's own user: tmux always lets the owner in read-write. Use a separate account.`);
  } else {
    try {
      // Flags first: `server-access -a -r USER` (the order tmux 3.3 parses).
      await tmux.run(['server-access', '-a', '-r', guestUser]);
      report.applied.push(`server-access -a -r ${guestUser}`);
    } catch (error) {
      const detail = error instanceof TmuxError ? error.stderr.trim() : String(error);
      if (/already added/i.test(detail)) {
        // Listed before (perhaps read-write): make sure the entry is read-only.
        await tmux.run(['server-access', '-r', guestUser]);
        report.applied.push(`server-access -r ${guestUser}`);
      } else if (/unknown user/i.test(detail)) {
        report.warnings.push(`There is no Unix user "${guestUser}": run "guest-broadcast setup-guest --apply" (as root) to create it.`);
      } else {
        report.warnings.push(`server-access for ${guestUser} failed: ${detail}`);
      }
    }
  }
  return report;
}
