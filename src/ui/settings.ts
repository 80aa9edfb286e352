// The `guestBroadcast.*` settings, read once per start: a running broadcast keeps what it was
// started with, so a change takes effect on the next start (never half-way through one).
import * as vscode from 'vscode';
import { ACCESS_POLICIES, AccessPolicy, EMBEDDED_DEFAULTS } from '../host/embedded/options';
import { BroadcastMode } from '../host/paths';
import { isUnixUserName, UNIX_USER_NAME_RULE } from '../host/unixUserName';
import { isValidSessionName, SESSION_NAME_RULE } from '../tmux/sessionName';

export interface HostSettings {
  mode: BroadcastMode;
  /** Empty: the mode's default socket. */
  socketPath: string;
  sessionName: string;
  guestUser: string;
  listen: string;
  access: AccessPolicy;
  authorizedKeysFile: string;
  maxViewers: number;
  maxConnectionsPerAddress: number;
  maxSizeGroups: number;
  notifyOnJoin: boolean;
}

/** A setting with a value we cannot use; the message names the setting and what to do. */
export class SettingsError extends Error {}

export function readHostSettings(): HostSettings {
  const c = vscode.workspace.getConfiguration('guestBroadcast');
  const mode = c.get<string>('mode', 'embedded');
  if (mode !== 'embedded' && mode !== 'system') {
    throw new SettingsError(`guestBroadcast.mode is "${mode}": choose "embedded" or "system".`);
  }
  const sessionName = c.get<string>('sessionName', 'broadcast').trim();
  if (!isValidSessionName(sessionName)) {
    throw new SettingsError(`guestBroadcast.sessionName "${sessionName}" is not allowed: ${SESSION_NAME_RULE}.`);
  }
  const guestUser = c.get<string>('guestUser', 'guest').trim();
  if (!isUnixUserName(guestUser)) {
    throw new SettingsError(`guestBroadcast.guestUser "${guestUser}" is not a valid Unix user name: ${UNIX_USER_NAME_RULE}.`);
  }
  const socketPath = c.get<string>('socketPath', '').trim();
  if (socketPath && !socketPath.startsWith('/')) {
    throw new SettingsError(`guestBroadcast.socketPath "${socketPath}" must be an absolute path (or empty for the default).`);
  }
  const listen = c.get<string>('listen', EMBEDDED_DEFAULTS.listen).trim();
  const access = c.get<string>('access', 'open') as AccessPolicy;
  if (!ACCESS_POLICIES.includes(access)) {
    throw new SettingsError(`guestBroadcast.access is "${access}": choose ${ACCESS_POLICIES.map((a) => `"${a}"`).join(', ')}.`);
  }
  const authorizedKeysFile = c.get<string>('authorizedKeysFile', '').trim();
  return {
    mode,
    socketPath,
    sessionName,
    guestUser,
    listen,
    access,
    authorizedKeysFile,
    maxViewers: positiveInt(c, 'maxViewers', EMBEDDED_DEFAULTS.maxViewers),
    maxConnectionsPerAddress: positiveInt(c, 'maxConnectionsPerAddress', EMBEDDED_DEFAULTS.maxConnectionsPerAddress),
    maxSizeGroups: positiveInt(c, 'maxSizeGroups', EMBEDDED_DEFAULTS.maxSizeGroups),
    notifyOnJoin: c.get<boolean>('notifyOnJoin', true),
  };
}

function positiveInt(c: vscode.WorkspaceConfiguration, key: string, fallback: number): number {
  const value = c.get<number>(key, fallback);
  if (!Number.isInteger(value) || value < 1) {
    throw new SettingsError(`guestBroadcast.${key} is ${String(value)}: use a whole number of 1 or more.`);
  }
  return value;
}
