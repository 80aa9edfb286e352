// The embedded server's small secret files (host key, passphrase): owner-only, created once,
// never half-written, and safe when two processes create them at the same moment.
import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export function ensureStateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new Error(`Cannot create the state folder ${dir}: ${(error as Error).message}. Choose another one (--state-dir).`);
  }
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder. Choose another state folder (--state-dir).`);
}

function writeTemp(path: string, content: string): string {
  const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temp;
}

/**
 * Reads `path`, creating it with `create()` first when it does not exist. The content is written
 * to a temp file and linked in only if nobody else made the file meanwhile (the first one wins,
 * so two starts at once agree on one host key).
 */
export function readOrCreateSecret(path: string, create: () => string): string {
  return readOrCreateSecretFile(path, create).content;
}

export interface SecretFileOptions {
  /** false: the folder must exist already (a path the user gave: a typo makes nothing elsewhere). Default true. */
  makeFolder?: boolean;
  /** Throws when the content is not what the file should hold: run before the file's mode is tightened, so a wrong file (a user's typo) is left as it was. */
  check?: (content: string) => void;
}

/** readOrCreateSecret, saying whether the file was made just now (by this call). */
export function readOrCreateSecretFile(path: string, create: () => string, options: SecretFileOptions = {}): { content: string; created: boolean } {
  if (options.makeFolder ?? true) ensureStateDir(dirname(path));
  let created = false;
  if (!existsSync(path)) {
    const temp = writeTemp(path, create());
    try {
      // rename would replace a file made meanwhile; a hard link fails instead (EEXIST).
      linkSync(temp, path);
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(temp, { force: true });
    }
  }
  const content = readFileSync(path, 'utf8');
  options.check?.(content);
  keepPrivate(path);
  return { content, created };
}

/** Replaces `path` atomically with new content (mode 0600). */
export function replaceSecret(path: string, content: string): void {
  ensureStateDir(dirname(path));
  renameSync(writeTemp(path, content), path);
}

/** A secret readable by others is tightened back to 0600 (git checkouts, copies, umask). */
function keepPrivate(path: string): void {
  const stat = statSync(path);
  // (Reading it failed already for a folder; anything else that is not a plain file is not ours to change.)
  if (stat.isFile() && stat.mode & 0o077) chmodSync(path, 0o600);
}
