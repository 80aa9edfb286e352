// The `Match User <guest>` block the setup appends to sshd_config, between marker comments so a
// second run replaces it instead of adding another. Each option is here for a reason that the
// OpenSSH notes (shared/notes/tmux-openssh-facts.md) measured:
// - PermitEmptyPasswords + PasswordAuthentication: `ssh guest@host` logs in with no prompt
//   (sshd's "none" method tries the empty password through PAM, which needs pam_unix nullok).
// - ForceCommand: whatever the guest asks for (a shell, a command, sftp), the wrapper runs.
// - DisableForwarding (not just AllowTcpForwarding no, which still lets agent forwarding through),
//   PermitTunnel no, PermitUserRC no, MaxSessions 2: one terminal per connection, and beside it
//   the watcher's host-size channel (`exec guest-broadcast-host-size`, src/wire/hostSize.ts). Any
//   session still runs only the forced command (a second terminal costs what a second
//   connection does, which sshd's own limits bound).
// - No AuthenticationMethods: setting it breaks the empty-password login.
// - `Match all` at the end: whatever someone appends after our block is global again.
import { GuestSetupOptions } from './options';

export function beginMarker(guestUser: string): string {
  return `# BEGIN guest-broadcast ${guestUser} (written by "guest-broadcast setup-guest": re-run it instead of editing)`;
}

export function endMarker(guestUser: string): string {
  return `# END guest-broadcast ${guestUser}`;
}

/** One terminal and the host-size channel beside it; the block writes it and the doctor expects it. */
const MAX_SESSIONS = 2;

/** The options sshd must apply to the guest, as `sshd -T` prints them (lower-case keys). */
export function expectedSshdOptions(o: Pick<GuestSetupOptions, 'wrapperPath' | 'chrootDir'>): Record<string, string> {
  return {
    permitemptypasswords: 'yes',
    passwordauthentication: 'yes',
    forcecommand: o.wrapperPath,
    permittty: 'yes',
    disableforwarding: 'yes',
    permittunnel: 'no',
    permituserrc: 'no',
    maxsessions: String(MAX_SESSIONS),
    chrootdirectory: o.chrootDir ?? 'none',
  };
}

export function sshdMatchBlock(o: Pick<GuestSetupOptions, 'guestUser' | 'wrapperPath' | 'chrootDir'>): string[] {
  return [
    beginMarker(o.guestUser),
    `Match User ${o.guestUser}`,
    '\tPermitEmptyPasswords yes',
    '\tPasswordAuthentication yes',
    `\tForceCommand ${o.wrapperPath}`,
    '\tPermitTTY yes',
    '\tDisableForwarding yes',
    '\tPermitTunnel no',
    '\tPermitUserRC no',
    `\tMaxSessions ${MAX_SESSIONS}`,
    ...(o.chrootDir ? [`\tChrootDirectory ${o.chrootDir}`] : []),
    'Match all',
    endMarker(o.guestUser),
  ];
}

/** How many managed blocks for `guestUser` a config holds (the doctor and tests want exactly 1). */
export function countManagedBlocks(configText: string, guestUser: string): number {
  const begin = beginMarker(guestUser);
  return configText.split('\n').filter((line) => line === begin).length;
}
