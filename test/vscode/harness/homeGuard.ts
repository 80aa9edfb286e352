// The harness runs code-server and chromium with a HOME of their own, so they write nothing
// under the user's. This guard is the safety net: folders of theirs that were absent before the
// run and appeared during it are removed on CI, where nothing else runs. On a shared machine
// another program (another engineer's code-server) may have made them, so they are only named:
// a folder this run did not make is never deleted on a guess.
import { existsSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const HOME_PATHS = ['.local/share/code-server', '.config/code-server', '.cache/code-server', '.config/chromium', '.cache/chromium'];

export class HomeGuard {
  private readonly absent: string[];

  constructor(
    home = homedir(),
    paths = HOME_PATHS,
    private readonly soleUser = Boolean(process.env.CI),
  ) {
    this.absent = paths.map((p) => join(home, p)).filter((p) => !existsSync(p));
  }

  /** Deals with what appeared since the guard was made (see above); returns those paths. */
  cleanup(log: (line: string) => void): string[] {
    const appeared = this.absent.filter((p) => existsSync(p));
    for (const p of appeared) {
      if (this.soleUser) {
        rmSync(p, { recursive: true, force: true });
        log(`removed ${p} (appeared during this run)`);
      } else {
        log(`note: ${p} appeared during this run; left alone, as another program may have made it`);
      }
    }
    return appeared;
  }
}
