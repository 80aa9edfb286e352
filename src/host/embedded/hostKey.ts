// The server's ed25519 host key: made on first use and kept, so a guest's known_hosts entry stays
// valid across restarts. Its fingerprint is printed the way OpenSSH prints it (SHA256:base64), by
// the same code the watcher checks a key with (wire/sshKeyFingerprint.ts).
import { Stats, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ParsedKey, utils } from 'ssh2';
import { sha256Fingerprint } from '../../wire/sshKeyFingerprint';
import { generateEd25519KeyPair } from './ed25519';
import { readOrCreateSecretFile } from './stateFiles';

export const HOST_KEY_FILE = 'ssh_host_ed25519_key';

export interface HostKey {
  path: string;
  /** The private key as ssh2's Server takes it (OpenSSH format). */
  privateKey: string;
  /** "SHA256:..." as `ssh-keygen -lf` and ssh's first-connection prompt show it. */
  fingerprint: string;
  /** "ssh-ed25519 AAAA..." for a guest's known_hosts. */
  publicKeyLine: string;
  /** Made just now (the file did not exist): guests' ssh sees a new host key. */
  created: boolean;
}

/** A key file the user named (a relay's --host-key), rather than one in our own state folder. */
export interface GivenKeyFile {
  /** The option that named it: "--host-key". */
  option: string;
  /** Whose key it is, for the advice: "the relay's". */
  owner: string;
}

/** An OpenSSH private key is a few hundred bytes; a larger file is something else (not read whole). */
const MAX_KEY_FILE_BYTES = 64 * 1024;

export function loadOrCreateHostKey(stateDir: string): HostKey {
  return loadOrCreateHostKeyFile(join(stateDir, HOST_KEY_FILE));
}

/**
 * The key in `path`, made there on first use. In our state folder (no `given`) its folder is made
 * and a file that is no key is ours to move away; a path the user `given` must be in a folder that
 * exists (a typo would otherwise make a new key, and guests would see a changed host key), and a
 * file there that is no key is the user's mistake: it is left exactly as it was.
 */
export function loadOrCreateHostKeyFile(path: string, given?: GivenKeyFile): HostKey {
  const notKey = (why: string): Error =>
    given
      ? new Error(`${path} is not an SSH private key (${why}). Give ${given.owner} key file (an OpenSSH private key) with ${given.option}, or a path that does not exist yet to make one.`)
      : new Error(`The host key ${path} cannot be read (${why}). Move it away to make a new one; guests will then see a changed host key once.`);
  if (given) {
    const folder = dirname(path);
    const stat = statOrUndefined(folder);
    if (!stat) throw new Error(`The folder of ${given.option}, ${folder}, does not exist; create it or fix the path.`);
    if (!stat.isDirectory()) throw new Error(`The folder of ${given.option}, ${folder}, is not a folder; fix the path.`);
  }
  // Checked before reading: a folder, a device or a large file is no key (and is not read).
  const existing = statOrUndefined(path);
  if (existing?.isDirectory()) throw notKey('a folder');
  if (existing && !existing.isFile()) throw notKey('not a regular file');
  if (existing && existing.size > MAX_KEY_FILE_BYTES) throw notKey(`${existing.size} bytes, too large for a key`);
  // Parsed by the check (before the file's mode is touched), kept for the fingerprint.
  const found: { key?: ParsedKey } = {};
  let secret: { content: string; created: boolean };
  try {
    secret = readOrCreateSecretFile(path, () => generateEd25519KeyPair('guest-broadcast host key').private, {
      makeFolder: !given,
      check: (content) => {
        const parsed = utils.parseKey(content);
        const key = parsed instanceof Error ? undefined : Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
        if (!key) throw notKey(parsed instanceof Error ? parsed.message : 'no key found');
        if (!key.isPrivateKey()) throw notKey('a public key only');
        found.key = key;
      },
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw error;
    // (Without this, making one names the temp file it writes first, not the key.)
    const which = given ? `${path} (${given.option})` : `the host key ${path}`;
    throw new Error(
      existing
        ? `Not allowed to read ${which}: run as a user who may read it.`
        : `Not allowed to make ${which}: this user may not write in ${dirname(path)}. Run as a user who may${given ? ', or give a path in a folder this user may write' : ''}.`,
    );
  }
  const { content: privateKey, created } = secret;
  if (!found.key) throw notKey('no key found');
  const blob = found.key.getPublicSSH();
  return { path, privateKey, fingerprint: sha256Fingerprint(blob), publicKeyLine: `${found.key.type} ${blob.toString('base64')}`, created };
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'EACCES' || code === 'EPERM') throw new Error(`Not allowed to look at ${path}: this user may not enter a folder on its way. Run as a user who may, or give a path this user can reach.`);
    throw error;
  }
}
