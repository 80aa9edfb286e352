// How OpenSSH names a host key to people: its type ("ssh-ed25519", read from the key blob
// itself) and "SHA256:" + unpadded base64 of the SHA-256 of the blob (`ssh-keygen -lf`).
// One module for both sides, because the two must match to the character: the host prints its
// embedded server's fingerprint next to the watch command (host/embedded/hostKey.ts), and the
// watcher shows and compares the fingerprint of the key it is offered (viewer/hostKeyVerifier.ts);
// a guest checks one against the other.
import { createHash } from 'node:crypto';

export function sha256Fingerprint(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The key type is the blob's first SSH string (uint32 length, then ASCII). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) throw new Error('The host key is too short to be an SSH public key.');
  const length = keyBlob.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > keyBlob.length) throw new Error('The host key blob is malformed.');
  return keyBlob.subarray(4, 4 + length).toString('ascii');
}
