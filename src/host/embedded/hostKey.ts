// The server's ed25519 host key: made on first use and kept, so a guest's known_hosts entry stays
// valid across restarts. Its fingerprint is printed the way OpenSSH prints it (SHA256:base64), by
// the same code the watcher checks a key with (wire/sshKeyFingerprint.ts).
import { join } from 'node:path';
import { ParsedKey, utils } from 'ssh2';
import { sha256Fingerprint } from '../../wire/sshKeyFingerprint';
import { generateEd25519KeyPair } from './ed25519';
import { readOrCreateSecret } from './stateFiles';

export const HOST_KEY_FILE = 'ssh_host_ed25519_key';

export interface HostKey {
  path: string;
  /** The private key as ssh2's Server takes it (OpenSSH format). */
  privateKey: string;
  /** "SHA256:..." as `ssh-keygen -lf` and ssh's first-connection prompt show it. */
  fingerprint: string;
  /** "ssh-ed25519 AAAA..." for a guest's known_hosts. */
  publicKeyLine: string;
}

export function loadOrCreateHostKey(stateDir: string): HostKey {
  return loadOrCreateHostKeyFile(join(stateDir, HOST_KEY_FILE));
}

/** The key in `path` (a relay's --host-key), made there on first use. */
export function loadOrCreateHostKeyFile(path: string): HostKey {
  const privateKey = readOrCreateSecret(path, () => generateEd25519KeyPair('guest-broadcast host key').private);
  const parsed = utils.parseKey(privateKey);
  const key: ParsedKey | undefined = parsed instanceof Error ? undefined : Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
  if (!key || !key.isPrivateKey()) {
    const why = parsed instanceof Error ? parsed.message : 'it holds no private key';
    throw new Error(`The host key ${path} cannot be read (${why}). Move it away to make a new one; guests will then see a changed host key once.`);
  }
  const blob = key.getPublicSSH();
  return { path, privateKey, fingerprint: sha256Fingerprint(blob), publicKeyLine: `${key.type} ${blob.toString('base64')}` };
}
