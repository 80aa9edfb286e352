// The host's options as one model: raw values from wherever they came (the CLI's flags, the
// VS Code settings) turned into validated values here, with one message per mistake that names
// the option the way the user knows it (`--session` or `guestBroadcast.sessionName`). Before,
// the CLI and the settings each checked their own way and disagreed (the CLI did not check the
// guest user at all), so a value one accepted the other refused.
import { isValidSessionName, SESSION_NAME_RULE } from '../tmux/sessionName';
import { ACCESS_POLICIES, AccessPolicy } from './embedded/options';
import { BroadcastMode } from './paths';
import { isUnixUserName, UNIX_USER_NAME_RULE } from './unixUserName';
import { parseWebHostOptions, WebHostOptions } from './web/webHostOptions';

/** A value the host cannot use; the message names the option and what to do. */
export class HostOptionError extends Error {}

/** The options this model checks, as raw values (undefined or '': the default). */
export interface RawHostOptions {
  mode?: string;
  socketPath?: string;
  sessionName?: string;
  guestUser?: string;
  access?: string;
  /** The browser route: "[ADDR:]PORT" (off when not given), and its TLS certificate and key files. */
  web?: string;
  webCert?: string;
  webKey?: string;
}

export interface HostOptions {
  mode: BroadcastMode;
  /** undefined: the mode's default socket. */
  socketPath: string | undefined;
  sessionName: string;
  guestUser: string;
  access: AccessPolicy;
  /** undefined: no browser route. */
  web: WebHostOptions | undefined;
}

/** What each option is called where the user set it. */
export type HostOptionNames = Record<keyof RawHostOptions, string>;

export const CLI_OPTION_NAMES: HostOptionNames = {
  mode: '--mode',
  socketPath: '--socket',
  sessionName: '--session',
  guestUser: '--guest-user',
  access: '--access',
  web: '--web',
  webCert: '--web-cert',
  webKey: '--web-key',
};

export const SETTING_NAMES: HostOptionNames = {
  mode: 'guestBroadcast.mode',
  socketPath: 'guestBroadcast.socketPath',
  sessionName: 'guestBroadcast.sessionName',
  guestUser: 'guestBroadcast.guestUser',
  access: 'guestBroadcast.access',
  web: 'guestBroadcast.web',
  webCert: 'guestBroadcast.webCert',
  webKey: 'guestBroadcast.webKey',
};

export const HOST_DEFAULTS = { mode: 'embedded', sessionName: 'broadcast', guestUser: 'guest', access: 'open' } as const;

/** A value as given, trimmed; undefined or blank means the default. (Settings files can hold any JSON type.) */
const given = (value: unknown): string | undefined => (value === undefined || value === null || String(value).trim() === '' ? undefined : String(value).trim());

/** Validates every option; throws HostOptionError naming the first bad one. */
export function parseHostOptions(raw: RawHostOptions, names: HostOptionNames): HostOptions {
  const mode = given(raw.mode) ?? HOST_DEFAULTS.mode;
  if (mode !== 'embedded' && mode !== 'system') throw new HostOptionError(`${names.mode} must be "embedded" or "system" (got "${mode}").`);
  const socketPath = given(raw.socketPath);
  if (socketPath !== undefined && !socketPath.startsWith('/')) {
    throw new HostOptionError(`${names.socketPath} "${socketPath}" must be an absolute path (or left out for the mode's default).`);
  }
  const sessionName = given(raw.sessionName) ?? HOST_DEFAULTS.sessionName;
  if (!isValidSessionName(sessionName)) throw new HostOptionError(`${names.sessionName} "${sessionName}" is not allowed: ${SESSION_NAME_RULE}.`);
  const guestUser = given(raw.guestUser) ?? HOST_DEFAULTS.guestUser;
  if (!isUnixUserName(guestUser)) throw new HostOptionError(`${names.guestUser} "${guestUser}" is not a valid Unix user name: ${UNIX_USER_NAME_RULE}.`);
  const access = given(raw.access) ?? HOST_DEFAULTS.access;
  if (!(ACCESS_POLICIES as readonly string[]).includes(access)) {
    throw new HostOptionError(`${names.access} must be one of ${ACCESS_POLICIES.join(', ')} (got "${access}").`);
  }
  let web: WebHostOptions | undefined;
  try {
    web = parseWebHostOptions(raw, { web: names.web, cert: names.webCert, key: names.webKey, access: names.access }, access);
  } catch (error) {
    throw new HostOptionError((error as Error).message);
  }
  return { mode, socketPath, sessionName, guestUser, access: access as AccessPolicy, web };
}
