// What each host option is called where the user sets it, and which mode uses it. Messages name
// an option the way the user knows it: `--max-viewers` on the command line,
// `guestBroadcast.maxViewers` in VS Code's settings.
import type { BroadcastMode } from '../paths';

/** Every host option, in the order the CLI's help lists them (and the order mistakes are reported in). */
export const HOST_OPTION_KEYS = [
  'mode',
  'socketPath',
  'sessionName',
  'guestUser',
  'sshPort',
  'command',
  'tmuxConfig',
  'listen',
  'access',
  'authorizedKeysFile',
  'stateDir',
  'maxViewers',
  'maxConnectionsPerAddress',
  'loginTimeout',
  'maxSizeGroups',
  'web',
  'webCert',
  'webKey',
  'record',
  'relay',
  'relayId',
  'relayCreds',
  'relayUser',
  'relayPasswordFile',
  'relayTokenFile',
  'relayTlsCa',
  'relayTlsCert',
  'relayTlsKey',
] as const;

export type HostOptionKey = (typeof HOST_OPTION_KEYS)[number];

/** An option's name where it was set; a source may lack some (see SETTING_NAMES). */
export type HostOptionNames = Partial<Record<HostOptionKey, string>>;

export const CLI_OPTION_NAMES = {
  mode: '--mode',
  socketPath: '--socket',
  sessionName: '--session',
  guestUser: '--guest-user',
  sshPort: '--ssh-port',
  command: '--command',
  tmuxConfig: '--tmux-config',
  listen: '--listen',
  access: '--access',
  authorizedKeysFile: '--authorized-keys',
  stateDir: '--state-dir',
  maxViewers: '--max-viewers',
  maxConnectionsPerAddress: '--max-per-address',
  loginTimeout: '--login-timeout',
  maxSizeGroups: '--max-size-groups',
  web: '--web',
  webCert: '--web-cert',
  webKey: '--web-key',
  record: '--record',
  relay: '--relay',
  relayId: '--relay-id',
  relayCreds: '--relay-creds',
  relayUser: '--relay-user',
  relayPasswordFile: '--relay-password-file',
  relayTokenFile: '--relay-token-file',
  relayTlsCa: '--relay-tls-ca',
  relayTlsCert: '--relay-tls-cert',
  relayTlsKey: '--relay-tls-key',
} as const satisfies Record<HostOptionKey, string>;

/**
 * VS Code's settings (package.json's contributes.configuration). No setting for the command, the
 * tmux config, the state folder or a recording (VS Code's *Start recording…* asks for a file): a window's broadcast runs the user's shell with their own
 * tmux config, and keeps its host key in the extension's storage.
 */
export const SETTING_NAMES = {
  mode: 'guestBroadcast.mode',
  socketPath: 'guestBroadcast.socketPath',
  sessionName: 'guestBroadcast.sessionName',
  guestUser: 'guestBroadcast.guestUser',
  sshPort: 'guestBroadcast.sshPort',
  listen: 'guestBroadcast.listen',
  access: 'guestBroadcast.access',
  authorizedKeysFile: 'guestBroadcast.authorizedKeysFile',
  maxViewers: 'guestBroadcast.maxViewers',
  maxConnectionsPerAddress: 'guestBroadcast.maxConnectionsPerAddress',
  loginTimeout: 'guestBroadcast.loginTimeout',
  maxSizeGroups: 'guestBroadcast.maxSizeGroups',
  web: 'guestBroadcast.web',
  webCert: 'guestBroadcast.webCert',
  webKey: 'guestBroadcast.webKey',
  relay: 'guestBroadcast.relay',
  relayId: 'guestBroadcast.relayId',
  relayUser: 'guestBroadcast.relayUser',
  relayPasswordFile: 'guestBroadcast.relayPasswordFile',
  relayTokenFile: 'guestBroadcast.relayTokenFile',
  relayCreds: 'guestBroadcast.relayCredsFile',
  relayTlsCa: 'guestBroadcast.relayTlsCa',
  relayTlsCert: 'guestBroadcast.relayTlsCert',
  relayTlsKey: 'guestBroadcast.relayTlsKey',
} as const satisfies HostOptionNames;

/** The options only one mode uses; the others serve both. */
export const MODE_OF: Partial<Record<HostOptionKey, BroadcastMode>> = {
  guestUser: 'system',
  sshPort: 'system',
  listen: 'embedded',
  access: 'embedded',
  authorizedKeysFile: 'embedded',
  stateDir: 'embedded',
  maxViewers: 'embedded',
  maxConnectionsPerAddress: 'embedded',
  loginTimeout: 'embedded',
  maxSizeGroups: 'embedded',
};

/**
 * The embedded-mode options the browser route (--web, either mode) reads too: with --web they are
 * not refused in system mode, where they apply to browser guests only.
 */
export const WEB_USES: readonly HostOptionKey[] = ['access', 'stateDir', 'maxViewers', 'maxConnectionsPerAddress', 'loginTimeout', 'maxSizeGroups'];

/**
 * The embedded-mode options the relay route (--relay, either mode) reads too: its id is kept in
 * the state folder, and relays enforce the access policy (passphrase, authorized keys).
 */
export const RELAY_USES: readonly HostOptionKey[] = ['access', 'authorizedKeysFile', 'stateDir', 'maxSizeGroups'];

/** An option's name in `names`, or its key when that source has no name for it (a typed caller). */
export function nameOf(names: HostOptionNames, key: HostOptionKey): string {
  return names[key] ?? key;
}

/** How a sentence refers to where the option is set: "--authorized-keys", "the setting guestBroadcast.authorizedKeysFile". */
export function optionPhrase(name: string): string {
  return name.startsWith('-') ? name : `the setting ${name}`;
}
