// Where a broadcast's socket lives when the user has not said.
import { accessSync, constants, existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';

/** The 2013 recipe's socket, used by system mode when its folder can be written. */
export const SYSTEM_SOCKET_PATH = '/var/lib/tmux-sessions/guest';

export type BroadcastMode = 'embedded' | 'system';

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** A folder only this user can use: $XDG_RUNTIME_DIR when set, else one under /tmp named by uid. */
export function userRuntimeDir(): string {
  const runtime = process.env.XDG_RUNTIME_DIR;
  if (runtime && existsSync(runtime) && writable(runtime)) return join(runtime, 'guest-broadcast');
  return join('/tmp', `guest-broadcast-${userInfo().uid}`);
}

export function defaultSocketPath(mode: BroadcastMode): string {
  if (mode === 'system') {
    const dir = '/var/lib/tmux-sessions';
    if ((existsSync(dir) && writable(dir)) || (!existsSync(dir) && writable('/var/lib'))) return SYSTEM_SOCKET_PATH;
  }
  return join(userRuntimeDir(), 'guest');
}

/** The CLI's own state folder (host key, passphrase): ~/.config/guest-broadcast. */
export function cliConfigDir(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'guest-broadcast');
}
