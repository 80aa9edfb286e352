// code-server and chromium write under $HOME even with their own data folders. The harness
// points XDG_* elsewhere, and as a safety net removes those folders afterwards, but only the
// ones that did not exist before the run: a user's own chromium profile is never touched.
import { existsSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const HOME_PATHS = ['.local/share/code-server', '.config/chromium', '.config/code-server', '.cache/code-server'];

export class HomeGuard {
  private readonly absent: string[];

  constructor(home = homedir(), paths = HOME_PATHS) {
    this.absent = paths.map((p) => join(home, p)).filter((p) => !existsSync(p));
  }

  /** Removes what appeared since the guard was made; returns the removed paths. */
  cleanup(): string[] {
    const removed = this.absent.filter((p) => existsSync(p));
    for (const p of removed) rmSync(p, { recursive: true, force: true });
    return removed;
  }
}
