// How another process (the CLI in another terminal, the tmux key binding) tells the process that
// serves a broadcast that the broadcast's tmux markers changed (the curtain went down, a recording
// was asked for): it writes a file beside the socket, which the owner watches (inotify; no
// polling, and no `tmux` run on a timer, which would stall the fan-out), and which the curtain
// programs of locked guest clients read to know when to ask tmux again. The truth stays in the
// markers; the nudge only says "read them again".
import { watch, writeFileSync, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Disposable } from '../listeners';

/** The nudge file of the broadcast on `socketPath`. */
export function nudgePath(socketPath: string): string {
  return `${socketPath}.nudge`;
}

/** Tells the owner to read the markers again; false when it could not (no owner will notice). */
let nudges = 0;

export function nudgeOwner(socketPath: string): boolean {
  try {
    // Readable by all: the curtain program of a guest's client (another account) watches it too.
    // What it holds says nothing but "changed": a time and a count, new at every write.
    writeFileSync(nudgePath(socketPath), `${Date.now()} ${process.pid} ${++nudges}\n`, { mode: 0o644 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Calls `onNudge` whenever the nudge file is written or made. A burst of events (one write is
 * several) makes one call, on the next tick.
 */
export function watchNudges(socketPath: string, onNudge: () => void): Disposable {
  const file = nudgePath(socketPath);
  let watcher: FSWatcher | undefined;
  let due = false;
  try {
    watcher = watch(dirname(file), { persistent: false }, (_event, name) => {
      if (name !== basename(file) || due) return;
      due = true;
      setImmediate(() => {
        due = false;
        onNudge();
      });
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    // No folder to watch (it went with the broadcast): nothing to be told.
  }
  return { dispose: () => watcher?.close() };
}
