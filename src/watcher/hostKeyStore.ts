// The viewer's own list of trusted host keys (trust on first use), kept apart from the user's
// ~/.ssh/known_hosts so the extension never rewrites a file OpenSSH owns. Same line format as
// known_hosts (unhashed), so a person can read, copy or delete entries with any editor.
import { appendFileSync, chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatKnownHostsLine, KnownHostEntry, readKnownHostsFile } from './knownHosts';

export class HostKeyStore {
  constructor(readonly path: string) {}

  entries(): KnownHostEntry[] {
    return readKnownHostsFile(this.path);
  }

  remember(host: string, port: number, keyType: string, keyBlob: Buffer): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    appendFileSync(this.path, formatKnownHostsLine(host, port, keyType, keyBlob) + '\n', { mode: 0o600 });
    chmodSync(this.path, 0o600);
  }
}
