// Follows the state folder's passphrase file, so a running host can show a new passphrase the
// moment `guest-broadcast passphrase --regenerate` (from another terminal) replaces it. The
// folder is watched, not the file: the file is replaced by a rename, which ends a file watch.
import { FSWatcher, watch } from 'node:fs';
import { PASSPHRASE_FILE, readPassphrase } from './passphrase';

/** Calls `onChange` with each new passphrase; returns a function that stops watching. */
export function watchPassphrase(stateDir: string, current: string | undefined, onChange: (passphrase: string | undefined) => void): () => void {
  let shown = current;
  const check = (): void => {
    let now: string | undefined;
    try {
      now = readPassphrase(stateDir);
    } catch {
      return; // mid-replace or unreadable for a moment: the next event reads it again
    }
    if (now === shown) return;
    shown = now;
    onChange(now);
  };
  let watcher: FSWatcher;
  try {
    watcher = watch(stateDir, { persistent: false }, (_event, name) => {
      if (name === null || name === PASSPHRASE_FILE) check();
    });
  } catch {
    // No such folder or no inotify left: the host still serves; only this notice is lost.
    return () => undefined;
  }
  watcher.on('error', () => watcher.close());
  return () => watcher.close();
}
