// The host's options as one model: raw values from wherever they came (the CLI's flags, the VS
// Code settings, a test or the bench) turned into validated values here, with one message per
// mistake that names the option the way the user knows it (`--session` or
// `guestBroadcast.sessionName`). Before, the CLI, the settings and the embedded server each
// checked their own way and disagreed, so a value one accepted the next refused.
import { isValidSessionName, SESSION_NAME_RULE } from '../../tmux/sessionName';
import { ACCESS_POLICIES, AccessPolicy, EMBEDDED_DEFAULTS } from '../embedded/options';
import { parseListen } from '../embedded/listen';
import { DEFAULT_SSH_PORT } from '../guestSshCommand';
import { BroadcastMode } from '../paths';
import { isUnixUserName, UNIX_USER_NAME_RULE } from '../unixUserName';
import { HOST_OPTION_KEYS, HostOptionKey, HostOptionNames, MODE_OF, nameOf, RELAY_USES, WEB_USES } from './names';
import { parseRelayHostOptions, relayOptionNames, RelayHostOptions } from './relayHostOptions';
import { parseWebHostOptions, WebHostOptions } from '../web/webHostOptions';
import { HostOptionError, shown, text, wholeNumber } from './rawValues';
import { readableTmuxConfig } from './tmuxConfig';

export { HostOptionError } from './rawValues';

/** Raw values by option (undefined, null or blank: the default). Strings from the CLI, any JSON from settings. */
export type RawHostOptions = Partial<Record<HostOptionKey, unknown>>;

export interface HostOptions {
  mode: BroadcastMode;
  /** undefined: the mode's default socket. */
  socketPath: string | undefined;
  sessionName: string;
  /** System mode: the Unix account guests log in as. */
  guestUser: string;
  /** System mode: the port guests' ssh reaches sshd on (for the watch command). */
  sshPort: number;
  /** What the session runs; undefined: the user's shell. */
  command: string | undefined;
  /** An absolute path, checked readable; undefined: tmux loads ~/.tmux.conf. */
  tmuxConfig: string | undefined;
  /** Embedded mode: HOST:PORT, checked by parseListen. */
  listen: string;
  access: AccessPolicy;
  /** Embedded mode, keys access: undefined: authorized_keys in the state folder. */
  authorizedKeysFile: string | undefined;
  /** Embedded mode: host key and passphrase; undefined: the caller's own (the CLI's config folder, VS Code's storage). */
  stateDir: string | undefined;
  maxViewers: number;
  maxConnectionsPerAddress: number;
  /** Given in seconds (the CLI, the setting), kept in ms; the default depends on the access policy. */
  loginTimeoutMs: number;
  maxSizeGroups: number;
  /** The browser route (--web, --web-cert, --web-key); undefined: off. */
  web: WebHostOptions | undefined;
  /** A file to record the host's screen to from the start (asciicast v2), as given; undefined: none. */
  record: string | undefined;
  /** The relay route (--relay, --relay-id, NATS credentials and TLS); undefined: off. */
  relay: RelayHostOptions | undefined;
}

export const HOST_DEFAULTS = {
  mode: 'embedded',
  sessionName: 'broadcast',
  guestUser: 'guest',
  sshPort: DEFAULT_SSH_PORT,
  listen: EMBEDDED_DEFAULTS.listen,
  access: 'open',
  maxViewers: EMBEDDED_DEFAULTS.maxViewers,
  maxConnectionsPerAddress: EMBEDDED_DEFAULTS.maxConnectionsPerAddress,
  maxSizeGroups: EMBEDDED_DEFAULTS.maxSizeGroups,
} as const;

/** The numeric options' ranges (the login timeout in seconds), for the checks and the CLI's help. */
export const HOST_BOUNDS = {
  sshPort: { min: 1, max: 65535 },
  maxViewers: { min: 1, max: 10_000 },
  maxConnectionsPerAddress: { min: 1, max: 10_000 },
  loginTimeout: { min: 1, max: 3600 },
  maxSizeGroups: { min: 1, max: 1000 },
} as const;

/** The login timeout when none is given: longer under the password policy (a person types the passphrase). */
export function defaultLoginTimeoutMs(access: AccessPolicy): number {
  return access === 'password' ? EMBEDDED_DEFAULTS.passwordHandshakeTimeoutMs : EMBEDDED_DEFAULTS.handshakeTimeoutMs;
}

/**
 * What to do with an option the chosen mode (or access policy) does not use. 'refuse': the CLI,
 * where a flag is there only because the user typed it, so it was meant for something and a
 * silent ignore would mislead. 'keep': the settings, which always hold a value for every option
 * (the user switching modes keeps the other mode's settings for later); still checked.
 */
export type OtherModeOptions = 'refuse' | 'keep';

/** Validates every option; throws HostOptionError naming the first bad one. */
export function parseHostOptions(raw: RawHostOptions, names: HostOptionNames, otherModeOptions: OtherModeOptions = 'refuse'): HostOptions {
  const name = (key: HostOptionKey): string => nameOf(names, key);
  const number = (key: keyof typeof HOST_BOUNDS, unit?: string): number | undefined =>
    wholeNumber(raw[key], name(key), HOST_BOUNDS[key].min, HOST_BOUNDS[key].max, unit);

  const mode = text(raw.mode, name('mode')) ?? HOST_DEFAULTS.mode;
  if (mode !== 'embedded' && mode !== 'system') throw new HostOptionError(`${name('mode')} must be "embedded" or "system" (got "${mode}").`);
  const socketPath = text(raw.socketPath, name('socketPath'));
  if (socketPath !== undefined && !socketPath.startsWith('/')) {
    throw new HostOptionError(`${name('socketPath')} "${socketPath}" must be an absolute path (or left out for the mode's default).`);
  }
  const sessionName = text(raw.sessionName, name('sessionName')) ?? HOST_DEFAULTS.sessionName;
  if (!isValidSessionName(sessionName)) throw new HostOptionError(`${name('sessionName')} "${sessionName}" is not allowed: ${SESSION_NAME_RULE}.`);
  const guestUser = text(raw.guestUser, name('guestUser')) ?? HOST_DEFAULTS.guestUser;
  if (!isUnixUserName(guestUser)) throw new HostOptionError(`${name('guestUser')} "${guestUser}" is not a valid Unix user name: ${UNIX_USER_NAME_RULE}.`);
  const sshPort = number('sshPort') ?? HOST_DEFAULTS.sshPort;
  const command = text(raw.command, name('command'));
  const tmuxConfigFile = text(raw.tmuxConfig, name('tmuxConfig'));
  const tmuxConfig = tmuxConfigFile === undefined ? undefined : readableTmuxConfig(tmuxConfigFile, name('tmuxConfig'));
  const listen = text(raw.listen, name('listen')) ?? HOST_DEFAULTS.listen;
  try {
    parseListen(listen, name('listen'));
  } catch (error) {
    throw new HostOptionError((error as Error).message);
  }
  const access = text(raw.access, name('access')) ?? HOST_DEFAULTS.access;
  if (!(ACCESS_POLICIES as readonly string[]).includes(access)) {
    throw new HostOptionError(`${name('access')} must be one of ${ACCESS_POLICIES.join(', ')} (got "${access}").`);
  }
  const policy = access as AccessPolicy;
  const authorizedKeysFile = text(raw.authorizedKeysFile, name('authorizedKeysFile'));
  const stateDir = text(raw.stateDir, name('stateDir'));
  const maxViewers = number('maxViewers') ?? HOST_DEFAULTS.maxViewers;
  const maxConnectionsPerAddress = number('maxConnectionsPerAddress') ?? HOST_DEFAULTS.maxConnectionsPerAddress;
  const loginTimeoutSeconds = number('loginTimeout', 'seconds');
  const maxSizeGroups = number('maxSizeGroups') ?? HOST_DEFAULTS.maxSizeGroups;
  const record = text(raw.record, name('record'));
  if (record !== undefined && record.endsWith('/')) throw new HostOptionError(`${name('record')} "${record}" names a folder: name a file, such as ${record}session.cast.`);
  let web: WebHostOptions | undefined;
  try {
    web = parseWebHostOptions(raw, { web: name('web'), cert: name('webCert'), key: name('webKey'), access: name('access') }, policy);
  } catch (error) {
    throw new HostOptionError((error as Error).message);
  }

  let relay: RelayHostOptions | undefined;
  try {
    relay = parseRelayHostOptions(raw, relayOptionNames(name));
  } catch (error) {
    throw new HostOptionError((error as Error).message);
  }

  if (otherModeOptions === 'refuse') refuseUnused(raw, names, mode, policy);
  return {
    mode,
    socketPath,
    sessionName,
    guestUser,
    sshPort,
    command,
    tmuxConfig,
    listen,
    access: policy,
    authorizedKeysFile,
    stateDir,
    maxViewers,
    maxConnectionsPerAddress,
    loginTimeoutMs: loginTimeoutSeconds === undefined ? defaultLoginTimeoutMs(policy) : loginTimeoutSeconds * 1000,
    maxSizeGroups,
    web,
    record,
    relay,
  };
}

/** Refuses, once every value is known good, an option given that this mode or access policy never reads. */
function refuseUnused(raw: RawHostOptions, names: HostOptionNames, mode: BroadcastMode, access: AccessPolicy): void {
  const name = (key: HostOptionKey): string => nameOf(names, key);
  const given = (key: HostOptionKey): boolean => raw[key] !== undefined;
  // With --web, system mode reads the browser route's share of the embedded options.
  const usedByWeb = (key: HostOptionKey): boolean => (given('web') && WEB_USES.includes(key)) || (given('relay') && RELAY_USES.includes(key));
  const misplaced = HOST_OPTION_KEYS.find((key) => given(key) && MODE_OF[key] !== undefined && MODE_OF[key] !== mode && !usedByWeb(key));
  if (misplaced !== undefined) {
    throw new HostOptionError(
      mode === 'system'
        ? `${name(misplaced)} is for embedded mode; in system mode sshd serves the guests.`
        : `${name(misplaced)} is for system mode (${name('mode')} system); in embedded mode the built-in SSH server serves the guests, at the address of ${name('listen')}.`,
    );
  }
  if (given('authorizedKeysFile') && access !== 'keys') throw new HostOptionError(`${name('authorizedKeysFile')} is only used with ${name('access')} keys.`);
}

/**
 * Host options from typed values, for code rather than people (the tests, the bench): the
 * defaults fill what is left out and every value is checked by the same rules, so an option
 * added to the model reaches them. The login timeout is in ms here, as a test wants a short one.
 */
export function hostOptions(given: Partial<HostOptions> = {}): HostOptions {
  // web and relay are already typed (listen and TLS read, URLs split): they go through as they are.
  const { loginTimeoutMs, web, relay, ...rest } = given;
  const options = { ...parseHostOptions(rest, {}, 'keep'), ...(web ? { web } : {}), ...(relay ? { relay } : {}) };
  if (loginTimeoutMs === undefined) return options;
  const ms = wholeNumber(loginTimeoutMs, 'loginTimeoutMs', 1, HOST_BOUNDS.loginTimeout.max * 1000);
  if (ms === undefined) throw new HostOptionError(`loginTimeoutMs must be a number of ms (got ${shown(loginTimeoutMs)}).`);
  return { ...options, loginTimeoutMs: ms };
}
