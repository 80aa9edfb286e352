// Who may log in, by the host's access policy. The user name is only a label in the viewer list:
// the policy alone decides. Secrets are compared in constant time (equal-length hashes, so not
// even the length leaks).
import { createHash, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { AuthContext } from 'ssh2';
import { AuthorizedKey, readAuthorizedKeys } from './authorizedKeys';
import { AccessPolicy } from './options';
import { readPassphrase } from './passphrase';
import { checkPassphrase, PassphraseVerifier } from './passphraseVerifier';

export type AuthDecision = 'accept' | 'reject';

export interface AccessConfig {
  policy: AccessPolicy;
  stateDir: string;
  authorizedKeysFile?: string;
}

export function secretsEqual(given: string | Buffer, expected: string | Buffer): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function authorizedKeysPath(config: AccessConfig): string {
  return config.authorizedKeysFile || join(config.stateDir, 'authorized_keys');
}

/** The methods a client is told it may try next. */
export function methodsFor(policy: AccessPolicy): Array<'none' | 'password' | 'publickey'> {
  return policy === 'password' ? ['password'] : policy === 'keys' ? ['publickey'] : ['none'];
}

/**
 * Decides one authentication request. The passphrase and the authorized_keys file are read at
 * each request (as sshd does), so a regenerated passphrase or an edited file applies at once.
 */
export function decide(config: AccessConfig, ctx: AuthContext): AuthDecision {
  switch (config.policy) {
    case 'open':
      return 'accept';
    case 'password': {
      if (ctx.method !== 'password') return 'reject';
      const expected = readPassphrase(config.stateDir);
      return expected !== undefined && secretsEqual(ctx.password, expected) ? 'accept' : 'reject';
    }
    case 'keys': {
      if (ctx.method !== 'publickey') return 'reject';
      let keys;
      try {
        keys = readAuthorizedKeys(authorizedKeysPath(config)).keys;
      } catch {
        return 'reject';
      }
      return keyDecision(keys, ctx);
    }
  }
}

/** A publickey request against a list of keys: offered (not yet signed) or signed by one of them. */
function keyDecision(keys: ReadonlyArray<Pick<AuthorizedKey, 'key' | 'blob'>>, ctx: AuthContext): AuthDecision {
  if (ctx.method !== 'publickey') return 'reject';
  const match = keys.find((k) => k.blob.length === ctx.key.data.length && timingSafeEqual(k.blob, ctx.key.data));
  if (!match) return 'reject';
  // Without a signature the client only asks "would this key do?" (it then signs): yes.
  if (!ctx.signature || !ctx.blob) return 'accept';
  return match.key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true ? 'accept' : 'reject';
}

/**
 * A broadcast's access as a relay has it (from the NATS registry, not from files): the passphrase
 * as a verifier, the authorized keys as parsed keys. The same decisions as decide().
 */
export type GivenAccess = { policy: 'open' } | { policy: 'password'; verifier: PassphraseVerifier } | { policy: 'keys'; keys: Array<Pick<AuthorizedKey, 'key' | 'blob'>> };

export async function decideGiven(access: GivenAccess, ctx: AuthContext): Promise<AuthDecision> {
  switch (access.policy) {
    case 'open':
      return 'accept';
    case 'password':
      if (ctx.method !== 'password') return 'reject';
      return (await checkPassphrase(access.verifier, ctx.password)) ? 'accept' : 'reject';
    case 'keys':
      return keyDecision(access.keys, ctx);
  }
}
