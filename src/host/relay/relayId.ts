// The broadcast's id on relays: the SSH user name guests type (`ssh -p PORT <id>@RELAY`) and the
// key of its registry entry. Without --relay-id it is 128 random bits (base64url), kept in the
// state folder, so a restarted host keeps the link it gave out; with --relay-id the host names it.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readOrCreateSecret } from '../embedded/stateFiles';
import { BROADCAST_ID_RULE, isBroadcastId } from '../../wire/relayProtocol';

export const RELAY_ID_FILE = 'relay-id';

export function loadOrCreateRelayId(stateDir: string): string {
  const path = join(stateDir, RELAY_ID_FILE);
  const id = readOrCreateSecret(path, () => randomId() + '\n').trim();
  if (!isBroadcastId(id) || id.length < 22) {
    throw new Error(`The relay id in ${path} is not a valid id (${BROADCAST_ID_RULE}, at least 22 of them). Delete the file to make a new one, or pass --relay-id.`);
  }
  return id;
}

/** 128 random bits in base64url (22 characters), drawn again when the first is "-" or "_" (1 in 32). */
export function randomId(): string {
  for (let i = 0; i < 64; i++) {
    const id = randomBytes(16).toString('base64url');
    if (isBroadcastId(id)) return id;
  }
  // 2^-320 odds: still 128 random bits after a letter.
  return 'b' + randomBytes(16).toString('base64url');
}
