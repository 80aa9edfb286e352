// The host-key rule, in one place: a key is accepted silently only when known_hosts or our own
// store lists exactly this key for this host; an unknown host is shown (type + SHA256
// fingerprint) and trusted only when the person says so, then remembered; a host whose key of
// the same type CHANGED, or a revoked key, is refused with both fingerprints. Never silent.
//
// RELAYS OF ONE BROADCAST (a target list, `ID@r1:2223,r2:2223`): each address keeps its own
// entry, as in OpenSSH, so a key that CHANGED for r2's address is refused even mid-failover.
// An address with no entry yet is trusted silently only when it presents exactly a key already
// trusted for another server of the same list: holding that private key proves it is run by the
// same operator (relays behind one name share one --host-key file), and a watcher whose relay was
// killed should not stop at a question. The key is then remembered for the new address too. A
// relay with a key of its own is an unknown host like any other: the person is asked (or
// --accept-new trusts it), because nothing ties that key to the relay already trusted.
import { ServerHostKeyAlgorithm } from 'ssh2';
import { keyTypeOf, sha256Fingerprint } from '../wire/sshKeyFingerprint';
import { HostKeyStore } from './hostKeyStore';
import { entriesFor, KnownHostEntry, knownHostsName, readKnownHostsFile } from './knownHosts';
import { HostKeyInfo, WatchPrompts } from './types';

/** A refusal about the host's identity: never retried by reconnect. */
export class HostKeyError extends Error {
  override name = 'HostKeyError';
}

export type HostKeyVerdict =
  | { kind: 'known'; source: string }
  | { kind: 'unknown'; otherTypesKnown: string[] }
  | { kind: 'changed'; known: { keyType: string; fingerprint: string; source: string }[] }
  | { kind: 'revoked'; source: string };

export function judgeHostKey(entries: KnownHostEntry[], host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  const keyType = keyTypeOf(keyBlob);
  const matching = entriesFor(entries, host, port);
  const revoked = matching.find((e) => e.marker === 'revoked' && e.keyBlob.equals(keyBlob));
  if (revoked) return { kind: 'revoked', source: revoked.source };
  const plain = matching.filter((e) => e.marker === undefined);
  const same = plain.find((e) => e.keyBlob.equals(keyBlob));
  if (same) return { kind: 'known', source: same.source };
  const sameType = plain.filter((e) => e.keyType === keyType);
  if (sameType.length) {
    return { kind: 'changed', known: sameType.map((e) => ({ keyType: e.keyType, fingerprint: sha256Fingerprint(e.keyBlob), source: e.source })) };
  }
  return { kind: 'unknown', otherTypesKnown: [...new Set(plain.map((e) => e.keyType))] };
}

// Host key algorithms in OpenSSH's order of preference; ssh-rsa (SHA-1) last, for old servers.
const ALGORITHMS_BY_KEY_TYPE: Record<string, ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};
const DEFAULT_ORDER = Object.values(ALGORITHMS_BY_KEY_TYPE).flat();

export class HostKeyVerifier {
  constructor(
    private readonly knownHostsFiles: string[],
    private readonly store: HostKeyStore,
    private readonly prompts: Pick<WatchPrompts, 'confirmNewHostKey'>,
  ) {}

  private entries(): KnownHostEntry[] {
    return [...this.knownHostsFiles.flatMap((f) => readKnownHostsFile(f)), ...this.store.entries()];
  }

  /**
   * Host key algorithms to offer, the types we already know for this host first: like OpenSSH,
   * so a host known by its RSA key is not reported as "unknown" because it also has ed25519.
   */
  algorithmsFor(host: string, port: number): ServerHostKeyAlgorithm[] {
    const knownTypes = entriesFor(this.entries(), host, port).filter((e) => !e.marker).map((e) => e.keyType);
    const first = knownTypes.flatMap((t) => ALGORITHMS_BY_KEY_TYPE[t] ?? []);
    return [...new Set([...first, ...DEFAULT_ORDER])];
  }

  /** Resolves when the key may be used; throws HostKeyError otherwise. */
  async verify(host: string, port: number, keyBlob: Buffer, siblings: { host: string; port: number }[] = []): Promise<void> {
    const keyType = keyTypeOf(keyBlob);
    const fingerprint = sha256Fingerprint(keyBlob);
    const name = knownHostsName(host, port);
    const verdict = judgeHostKey(this.entries(), host, port, keyBlob);
    switch (verdict.kind) {
      case 'known':
        return;
      case 'revoked':
        throw new HostKeyError(`The ${keyType} host key of ${name} (${fingerprint}) is marked @revoked in ${verdict.source}. Not connecting.`);
      case 'changed': {
        const old = verdict.known.map((k) => `  known:   ${k.keyType} ${k.fingerprint} (${k.source})`).join('\n');
        throw new HostKeyError(
          `The host key of ${name} has CHANGED. Someone may be impersonating the host, or its key was replaced.\n` +
            `${old}\n  offered: ${keyType} ${fingerprint}\n` +
            `Not connecting. If the host's key really changed, ask its owner for the new fingerprint, then remove the old line (the file:line above).`,
        );
      }
      case 'unknown': {
        const entries = this.entries();
        if (siblings.some((s) => judgeHostKey(entries, s.host, s.port, keyBlob).kind === 'known')) {
          this.store.remember(host, port, keyType, keyBlob);
          return;
        }
        const info: HostKeyInfo = { host, port, keyType, fingerprint };
        if (!(await this.prompts.confirmNewHostKey(info))) {
          throw new HostKeyError(`The host key of ${name} (${keyType} ${fingerprint}) was not trusted. Not connecting.`);
        }
        this.store.remember(host, port, keyType, keyBlob);
        return;
      }
    }
  }
}
