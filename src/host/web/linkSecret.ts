// The browser route's link secret: 128 random bits, base64url, kept in the state folder next to
// the host key (0600), created once and regenerated on demand. The link IS the admission ticket
// (plus the passphrase under --access password), so it is compared in constant time, and a
// running route re-reads the file: regenerating (`guest-broadcast web-link --regenerate`, from
// any process) drops the web guests holding the old link at once.
import { randomBytes } from 'node:crypto';
import { FSWatcher, readFileSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import { secretsEqual } from '../embedded/access';
import { readOrCreateSecret, replaceSecret } from '../embedded/stateFiles';

export const LINK_SECRET_FILE = 'web-link-secret';

/** 16 bytes = 128 bits, as 22 base64url characters. */
const SECRET_BYTES = 16;
/** What a secret in the file must look like to be used (a hand-edited file may hold anything). */
const SECRET_SHAPE = /^[A-Za-z0-9_-]{22,128}$/;

export function linkSecretPath(stateDir: string): string {
  return join(stateDir, LINK_SECRET_FILE);
}

export function generateLinkSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/** The current secret, made on first use. Throws, saying what to do, when the file holds something else. */
export function loadOrCreateLinkSecret(stateDir: string): string {
  const path = linkSecretPath(stateDir);
  const value = readOrCreateSecret(path, () => generateLinkSecret() + '\n').trim();
  if (!SECRET_SHAPE.test(value)) {
    throw new Error(`${path} does not hold a link secret (22 or more base64url characters). Make a new one with: guest-broadcast web-link --regenerate`);
  }
  return value;
}

/** Replaces the secret (atomically, 0600); every link given out before stops working. */
export function regenerateLinkSecret(stateDir: string): string {
  const value = generateLinkSecret();
  replaceSecret(linkSecretPath(stateDir), value + '\n');
  return value;
}

/**
 * The secret as a running route sees it: re-read whenever the file changed (checked by its inode,
 * size and mtime at each request, and pushed by a folder watch so guests are dropped even when no
 * request comes). A missing or malformed file admits nobody.
 */
export class LinkSecretStore {
  private value: string | undefined;
  private stamp = '';
  private watcher: FSWatcher | undefined;

  constructor(private readonly stateDir: string) {
    this.value = loadOrCreateLinkSecret(stateDir);
    this.stamp = this.fileStamp();
  }

  /** The secret now; undefined when the file is gone or unusable. */
  current(): string | undefined {
    const stamp = this.fileStamp();
    if (stamp !== this.stamp) {
      this.stamp = stamp;
      this.value = this.read();
    }
    return this.value;
  }

  /** Whether `given` is the current secret (constant time). */
  matches(given: string): boolean {
    const expected = this.current();
    return expected !== undefined && secretsEqual(given, expected);
  }

  /** Calls `onChange` when the secret changes (folder watch); returns a function that stops it. */
  watch(onChange: (secret: string | undefined) => void): () => void {
    let last = this.current();
    try {
      this.watcher = watch(this.stateDir, { persistent: false }, (_event, name) => {
        if (name !== null && name !== LINK_SECRET_FILE) return;
        const now = this.current();
        if (now === last) return;
        last = now;
        onChange(now);
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // No inotify left: requests still re-read the file; only the push is lost.
    }
    return () => this.watcher?.close();
  }

  private fileStamp(): string {
    try {
      const s = statSync(linkSecretPath(this.stateDir));
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }

  private read(): string | undefined {
    try {
      const value = readFileSync(linkSecretPath(this.stateDir), 'utf8').trim();
      return SECRET_SHAPE.test(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }
}
