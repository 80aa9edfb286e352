// What a relay checks a guest's passphrase against (#18): a salted scrypt hash of the host's
// passphrase, published in the NATS registry, never the passphrase.
//
// WHY PUBLISHING IT IS ACCEPTABLE, AND ITS LIMIT: whoever can read the registry bucket (NATS
// permissions give that to hosts and relays only: docs/nats-permissions.conf) can try guesses
// offline against it. A passphrase Guest Broadcast makes has about 99 random bits
// (passphrase.ts), far beyond any guessing; a passphrase a user wrote into the file by hand may
// not be, and that is why the hash is scrypt (memory-hard, slow per guess) with a salt of its
// own (no table serves two broadcasts) rather than the plain SHA-256 the embedded server uses
// only to compare in constant time. The README says so: keep the generated passphrases, and
// restrict who reads the bucket.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface PassphraseVerifier {
  /** base64 */
  salt: string;
  /** base64 scrypt(passphrase, salt) */
  hash: string;
}

/** scrypt's cost: 16 MiB and some 50 ms per check (a relay checks at most a few per login). */
const PARAMS = { N: 1 << 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const LENGTH = 32;
const SALT_BYTES = 16;

function derive(passphrase: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(passphrase, salt, LENGTH, PARAMS, (error, key) => (error ? reject(error) : resolve(key))));
}

/** A new verifier of `passphrase`, with a fresh salt. */
export async function makePassphraseVerifier(passphrase: string): Promise<PassphraseVerifier> {
  const salt = randomBytes(SALT_BYTES);
  return { salt: salt.toString('base64'), hash: (await derive(passphrase, salt)).toString('base64') };
}

/** Whether `given` is the passphrase `verifier` was made from (constant time in the comparison). */
export async function checkPassphrase(verifier: PassphraseVerifier, given: string): Promise<boolean> {
  const expected = Buffer.from(verifier.hash, 'base64');
  if (expected.length !== LENGTH) return false;
  const actual = await derive(given, Buffer.from(verifier.salt, 'base64'));
  return timingSafeEqual(actual, expected);
}

/** The shape a registry entry may carry (parsed from what any NATS client could have put there). */
export function isPassphraseVerifier(value: unknown): value is PassphraseVerifier {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.salt === 'string' && /^[A-Za-z0-9+/]{22,64}={0,2}$/.test(v.salt) && typeof v.hash === 'string' && /^[A-Za-z0-9+/]{43}=$/.test(v.hash);
}
