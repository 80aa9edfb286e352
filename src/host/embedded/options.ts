// Settings of the embedded SSH server (the default mode): what the host chooses.

export type AccessPolicy = 'open' | 'password' | 'keys';

export interface EmbeddedServerOptions {
  /** "127.0.0.1:2222" (the default: only this machine) or "0.0.0.0:PORT" to let others in. */
  listen: string;
  access: AccessPolicy;
  /** Where the host key (and the generated passphrase) are kept: VS Code's global storage or ~/.config/guest-broadcast. */
  stateDir: string;
  /** `keys` policy: an OpenSSH authorized_keys file. */
  authorizedKeysFile?: string;
  /** Bounds; defaults 100 viewers, 5 connections per address, 10 s handshake, 3 failed auths. */
  maxViewers?: number;
  maxConnectionsPerAddress?: number;
  handshakeTimeoutMs?: number;
  maxAuthAttempts?: number;
  /** VS Code's install root, to load VS Code's own node-pty; undefined outside VS Code. */
  appRoot?: string;
  /** Called when a guest starts watching (the host's join notification). */
  onJoin?: (guest: { user: string; address: string }) => void;
}
