// The `guestBroadcast.*` settings, read once per start: a running broadcast keeps what it was
// started with, so a change takes effect on the next start (never half-way through one).
import * as vscode from 'vscode';
import { AccessPolicy, EMBEDDED_DEFAULTS } from '../host/embedded/options';
import { HOST_DEFAULTS, HostOptionError, HostOptions, parseHostOptions, SETTING_NAMES } from '../host/hostOptions';
import { BroadcastMode } from '../host/paths';
import type { WebHostOptions } from '../host/web/webHostOptions';

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
  /** The browser route (guestBroadcast.web, .webCert, .webKey); undefined: off. */
  web?: WebHostOptions;
}

/** A setting with a value we cannot use; the message names the setting and what to do. */
export class SettingsError extends Error {}

export function readHostSettings(): HostSettings {
  const c = vscode.workspace.getConfiguration('guestBroadcast');
  let host: HostOptions;
  try {
    host = parseHostOptions(
      {
        mode: c.get<string>('mode', HOST_DEFAULTS.mode),
        socketPath: c.get<string>('socketPath', ''),
        sessionName: c.get<string>('sessionName', HOST_DEFAULTS.sessionName),
        guestUser: c.get<string>('guestUser', HOST_DEFAULTS.guestUser),
        access: c.get<string>('access', HOST_DEFAULTS.access),
        web: c.get<string>('web', ''),
        webCert: c.get<string>('webCert', ''),
        webKey: c.get<string>('webKey', ''),
      },
      SETTING_NAMES,
    );
  } catch (error) {
    if (error instanceof HostOptionError) throw new SettingsError(error.message);
    throw error;
  }
  const { mode, sessionName, guestUser, access } = host;
  const socketPath = host.socketPath ?? '';
  const listen = c.get<string>('listen', EMBEDDED_DEFAULTS.listen).trim();
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
    web: host.web,
  };
}

function positiveInt(c: vscode.WorkspaceConfiguration, key: string, fallback: number): number {
  const value = c.get<number>(key, fallback);
  if (!Number.isInteger(value) || value < 1) {
    throw new SettingsError(`guestBroadcast.${key} is ${String(value)}: use a whole number of 1 or more.`);
  }
  return value;
}
