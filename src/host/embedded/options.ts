// Settings of the embedded SSH server (the default mode): what the host chooses.

export type AccessPolicy = 'open' | 'password' | 'keys';

export const ACCESS_POLICIES: readonly AccessPolicy[] = ['open', 'password', 'keys'];

/** The defaults of the bounds below, in one place for the server, the CLI's help and the UI. */
export const EMBEDDED_DEFAULTS = {
  listen: '127.0.0.1:2222',
  maxViewers: 100,
  maxConnectionsPerAddress: 5,
  handshakeTimeoutMs: 10_000,
  /**
   * The login timeout's default under the password policy: a person reads the passphrase from the
   * host and types it (23 characters), which 10 s does not leave time for. OpenSSH's
   * LoginGraceTime default is 120 s; a minute is plenty for typing and still frees a place soon.
   */
  passwordHandshakeTimeoutMs: 60_000,
  maxAuthAttempts: 6,
  maxSizeGroups: 16,
} as const;

export interface EmbeddedServerOptions {
  /** "127.0.0.1:2222" (the default: only this machine) or "0.0.0.0:PORT" to let others in. Port 0 picks a free port. */
  listen: string;
  access: AccessPolicy;
  /** Where the host key (and the generated passphrase) are kept: VS Code's global storage or ~/.config/guest-broadcast. */
  stateDir: string;
  /** `keys` policy: an OpenSSH authorized_keys file (default: authorized_keys in stateDir). */
  authorizedKeysFile?: string;
  /**
   * Bounds; defaults in EMBEDDED_DEFAULTS: 100 viewers, 5 connections per address, 10 s from
   * connecting to watching (handshake, login, pty and shell), 6 failed auths per connection (as sshd's MaxAuthTries: a client
   * offering every key of its agent fails several times before its password).
   */
  maxViewers?: number;
  maxConnectionsPerAddress?: number;
  handshakeTimeoutMs?: number;
  maxAuthAttempts?: number;
  /**
   * Terminal sizes served at once, each by one read-only tmux client shared by all its viewers
   * (default 16). A viewer of another size beyond it is shown the nearest larger size.
   */
  maxSizeGroups?: number;
  /** The name of the setting or flag the login timeout came from, for what a dropped guest is told. */
  handshakeTimeoutSettingName?: string;
  /** The name of the setting or flag the listen address came from, for error messages. */
  listenSettingName?: string;
  /** Where the user names the authorized keys file ("--authorized-keys" or the VS Code setting), for error messages. */
  authorizedKeysSettingName?: string;
  /** VS Code's install root, to load VS Code's own node-pty; undefined outside VS Code. */
  appRoot?: string;
  /** Called when a guest starts watching (the host's join notification). */
  onJoin?: (guest: { user: string; address: string }) => void;
  /** Called when a guest stops watching (left, kicked, refused mid-way). */
  onLeave?: (guest: { user: string; address: string; reason: string }) => void;
  /** Problems worth telling the host that do not stop the server (e.g. unusable authorized_keys lines). */
  onWarning?: (message: string) => void;
}

/** The login timeout in effect: the one given, else the default for the access policy. */
export function handshakeTimeoutMs(options: Pick<EmbeddedServerOptions, 'handshakeTimeoutMs' | 'access'>): number {
  return options.handshakeTimeoutMs ?? (options.access === 'password' ? EMBEDDED_DEFAULTS.passwordHandshakeTimeoutMs : EMBEDDED_DEFAULTS.handshakeTimeoutMs);
}
