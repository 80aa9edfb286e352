// The access part of the host's registry entry (wire/relayProtocol.ts RegistryAccess): what a
// relay needs to enforce the broadcast's --access, read from the same files the embedded server
// reads at each login (the passphrase, authorized_keys), at each heartbeat, so a regenerated
// passphrase or an edited key list reaches relays within HEARTBEAT_MS.
import { randomBytes } from 'node:crypto';
import { AccessConfig, authorizedKeysPath } from '../embedded/access';
import { readAuthorizedKeys } from '../embedded/authorizedKeys';
import { readPassphrase } from '../embedded/passphrase';
import { makePassphraseVerifier, PassphraseVerifier } from '../embedded/passphraseVerifier';
import { isPublicKeyLine, MAX_REGISTRY_KEYS, RegistryAccess } from '../../wire/relayProtocol';

export class RegistryAccessSource {
  /** The verifier of the passphrase it was made from (remade only when the passphrase changes). */
  private made: { passphrase: string; verifier: PassphraseVerifier } | undefined;
  private warned = '';

  constructor(
    private readonly access: AccessConfig,
    private readonly onWarning?: (message: string) => void,
  ) {}

  async current(): Promise<RegistryAccess> {
    switch (this.access.policy) {
      case 'open':
        return { access: 'open' };
      case 'password': {
        // No passphrase file: nobody logs in (as on the embedded server): a verifier of random bytes.
        const passphrase = readPassphrase(this.access.stateDir) ?? `none ${randomBytes(32).toString('hex')}`;
        if (this.made?.passphrase !== passphrase) this.made = { passphrase, verifier: await makePassphraseVerifier(passphrase) };
        return { access: 'password', verifier: this.made.verifier };
      }
      case 'keys': {
        let lines: string[] = [];
        try {
          const { keys } = readAuthorizedKeys(authorizedKeysPath(this.access));
          lines = keys.map((k) => `${k.key.type} ${k.blob.toString('base64')}`).filter(isPublicKeyLine);
          if (lines.length > MAX_REGISTRY_KEYS) this.warn(`Relays check only the first ${MAX_REGISTRY_KEYS} of the ${lines.length} authorized keys.`);
        } catch (error) {
          // As the embedded server: an unreadable file lets nobody in.
          this.warn(`Relay guests cannot log in: ${(error as Error).message}`);
        }
        return { access: 'keys', keys: lines.slice(0, MAX_REGISTRY_KEYS) };
      }
    }
  }

  private warn(message: string): void {
    if (message === this.warned) return;
    this.warned = message;
    this.onWarning?.(message);
  }
}
