// Making ed25519 key pairs with ssh2. ssh2 1.17's generateKeyPairSync strips leading zero bytes
// from the public key, so about 1 pair in 256 comes out malformed and its own parseKey rejects
// it (mscdex/ssh2 issues 1390 and 1514). A host key is made once and kept, so an unlucky draw
// would break the broadcast for good: every pair is checked and a bad one is drawn again.
import { utils } from 'ssh2';

export interface OpenSshKeyPair {
  /** OpenSSH private key format. */
  private: string;
  /** "ssh-ed25519 AAAA… comment". */
  public: string;
}

/** True when ssh2 can read both halves of the pair. */
export function keyPairParses(pair: OpenSshKeyPair): boolean {
  return !(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error);
}

export function generateEd25519KeyPair(comment?: string): OpenSshKeyPair {
  // Each draw fails with p ≈ 1/256, so 16 draws all failing is about 1e-38.
  for (let attempt = 0; attempt < 16; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519', comment ? { comment } : undefined);
    if (keyPairParses(pair)) return pair;
  }
  throw new Error('Could not make a readable ed25519 key pair (16 draws in a row were malformed).');
}
