// The `password` policy's passphrase: generated, kept in the state folder (0600), shown to the
// host to copy, and regenerated on demand. The server reads it at every login attempt, so a
// regenerated passphrase applies at once, even to a running broadcast.
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readOrCreateSecret, replaceSecret } from './stateFiles';

export const PASSPHRASE_FILE = 'passphrase';

// No 0/o, 1/l/i: easy to read aloud and to type from a screen share.
const ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';

/** Four groups of five: 20 characters from 31, about 99 bits. */
export function generatePassphrase(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = '';
    for (let i = 0; i < 5; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

export function passphrasePath(stateDir: string): string {
  return join(stateDir, PASSPHRASE_FILE);
}

/** The current passphrase, made on first use. */
export function loadOrCreatePassphrase(stateDir: string): string {
  return readOrCreateSecret(passphrasePath(stateDir), () => generatePassphrase() + '\n').trim();
}

/** The current passphrase, or undefined when none was made yet (the server then lets nobody in). */
export function readPassphrase(stateDir: string): string | undefined {
  const path = passphrasePath(stateDir);
  if (!existsSync(path)) return undefined;
  const value = readFileSync(path, 'utf8').trim();
  return value === '' ? undefined : value;
}

export function regeneratePassphrase(stateDir: string): string {
  const value = generatePassphrase();
  replaceSecret(passphrasePath(stateDir), value + '\n');
  return value;
}
