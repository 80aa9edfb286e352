// What the guest-account setup needs to know, with the defaults of the 2013 recipe and the checks
// that keep the generated root script safe: every value below ends up in a root shell script or
// in sshd_config, so each one is validated against a strict pattern here, in one place.
import { accessSync, constants } from 'node:fs';
import { userInfo } from 'node:os';
import { delimiter, isAbsolute, join, normalize, posix } from 'node:path';
import { assertValidSessionName } from '../../tmux/sessionName';
import { SYSTEM_SOCKET_PATH } from '../paths';
import { isUnixUserName, UNIX_USER_NAME_RULE } from '../unixUserName';

export const DEFAULT_SSHD_CONFIG = '/etc/ssh/sshd_config';
export const DEFAULT_GUEST_USER = 'guest';
export const DEFAULT_SESSION = 'broadcast';
export const DEFAULT_FSTAB = '/etc/fstab';

export interface GuestSetupInput {
  guestUser?: string;
  /** The broadcast socket as the host sees it (inside the chroot folder when there is one). */
  socketPath?: string;
  sessionName?: string;
  sshdConfig?: string;
  /** Optional ChrootDirectory for the guest; populated with what tmux needs. */
  chrootDir?: string;
  /** Reload the running sshd after a valid change (default true). */
  reload?: boolean;
  /** The host's account: owns the socket folder so it can start the broadcast without root. */
  hostUser?: string;
  /** Absolute path of tmux (found on PATH when omitted). */
  tmuxPath?: string;
  /** Where the ForceCommand wrapper lives, as the guest sees it (inside the chroot when there is one). */
  wrapperPath?: string;
  /** Absolute path of sshd, used to validate the config (default /usr/sbin/sshd). */
  sshdPath?: string;
  /** Absolute path of perl, which runs the forced command's size relay (found on PATH when omitted). */
  perlPath?: string;
  /** Where the chroot's pty mount is recorded so it returns after a reboot (default /etc/fstab). */
  fstabPath?: string;
}

export interface GuestSetupOptions {
  guestUser: string;
  socketPath: string;
  /** The socket path the guest's tmux uses: socketPath with the chroot folder taken off. */
  guestSocketPath: string;
  sessionName: string;
  sshdConfig: string;
  chrootDir: string | undefined;
  reload: boolean;
  hostUser: string;
  tmuxPath: string;
  wrapperPath: string;
  sshdPath: string;
  perlPath: string;
  fstabPath: string;
}

export class GuestSetupError extends Error {}

// Characters allowed in paths and names that go into sshd_config and the root script unquoted.
// sshd_config has its own quoting rules; refusing anything exotic is simpler and safer.
const SAFE_PATH = /^\/[A-Za-z0-9._@+\/-]*$/;

function checkPath(what: string, flag: string, path: string): string {
  if (!isAbsolute(path)) throw new GuestSetupError(`${what} must be an absolute path (got "${path}"): pass ${flag} /full/path.`);
  const clean = normalize(path).replace(/\/+$/, '') || '/';
  if (!SAFE_PATH.test(clean)) {
    throw new GuestSetupError(`${what} "${path}" contains characters that cannot go into sshd_config safely: use only letters, digits and . _ @ + - /.`);
  }
  return clean;
}

function checkUser(what: string, flag: string, name: string): string {
  if (!isUnixUserName(name)) {
    throw new GuestSetupError(`${what} "${name}" is not a valid Unix user name: ${UNIX_USER_NAME_RULE} (${flag}).`);
  }
  return name;
}

/** The first executable called `name` on PATH, or undefined. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The wrapper's default home: one file per guest account, so several accounts can coexist. */
export function defaultWrapperPath(guestUser: string): string {
  return `/usr/local/libexec/guest-broadcast/watch-${guestUser}`;
}

/** The host account when nobody said: the user who ran sudo, else the current user. */
export function defaultHostUser(): string {
  const sudoUser = process.env.SUDO_USER;
  return sudoUser && isUnixUserName(sudoUser) ? sudoUser : userInfo().username;
}

export function resolveGuestSetupOptions(input: GuestSetupInput): GuestSetupOptions {
  const guestUser = checkUser('The guest user', '--guest-user', input.guestUser ?? DEFAULT_GUEST_USER);
  if (guestUser === 'root') throw new GuestSetupError('The guest user cannot be root: guests would log in as root. Choose another name (--guest-user guest).');
  const sessionName = input.sessionName ?? DEFAULT_SESSION;
  try {
    assertValidSessionName(sessionName);
  } catch (error) {
    throw new GuestSetupError((error as Error).message + ' (--session)');
  }
  const hostUser = checkUser('The host user', '--host-user', input.hostUser ?? defaultHostUser());
  if (hostUser === guestUser) throw new GuestSetupError(`The host user and the guest user are both "${guestUser}": tmux always lets its owner in read-write. Broadcast from another account.`);

  const chrootDir = input.chrootDir === undefined ? undefined : checkPath('The chroot folder', '--chroot', input.chrootDir);
  if (chrootDir === '/') throw new GuestSetupError('--chroot / would make the whole system the guest\'s chroot: name a dedicated folder such as /srv/guest-broadcast.');

  const socketPath = checkPath('The socket path', '--socket', input.socketPath ?? (chrootDir ? chrootDir + SYSTEM_SOCKET_PATH : SYSTEM_SOCKET_PATH));
  let guestSocketPath = socketPath;
  if (chrootDir) {
    if (!socketPath.startsWith(chrootDir + '/')) {
      throw new GuestSetupError(
        `With --chroot ${chrootDir} the guest only sees files inside that folder, so the socket must be there too: ` +
          `use --socket ${chrootDir}${SYSTEM_SOCKET_PATH} (and broadcast with the same --socket).`,
      );
    }
    guestSocketPath = socketPath.slice(chrootDir.length);
  }
  if (posix.dirname(socketPath) === '/') throw new GuestSetupError(`The socket needs a folder of its own (got "${socketPath}"): use e.g. ${SYSTEM_SOCKET_PATH}.`);

  const tmuxPath = checkPath('The tmux path', '--tmux', input.tmuxPath ?? findOnPath('tmux') ?? '/usr/bin/tmux');
  const sshdPath = checkPath('The sshd path', '--sshd', input.sshdPath ?? '/usr/sbin/sshd');
  const wrapperPath = checkPath('The wrapper path', '--wrapper', input.wrapperPath ?? defaultWrapperPath(guestUser));
  const perlPath = checkPath('The perl path', '--perl', input.perlPath ?? findOnPath('perl') ?? '/usr/bin/perl');

  return {
    guestUser,
    socketPath,
    guestSocketPath,
    sessionName,
    sshdConfig: checkPath('The sshd_config path', '--sshd-config', input.sshdConfig ?? DEFAULT_SSHD_CONFIG),
    chrootDir,
    reload: input.reload ?? true,
    hostUser,
    tmuxPath,
    wrapperPath,
    sshdPath,
    perlPath,
    fstabPath: checkPath('The fstab path', 'fstabPath', input.fstabPath ?? DEFAULT_FSTAB),
  };
}
