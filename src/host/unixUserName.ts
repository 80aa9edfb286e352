// What a guest (or host) account may be called: a lower-case letter or '_', then up to 31
// lower-case letters, digits, '_' or '-' -- the portable names useradd/adduser make by default.
// Why one rule: the name goes unquoted into sshd_config (Match User), into the root setup script
// and into `tmux server-access`, and the same account is named in three places: `host
// --guest-user` and `setup-guest/doctor --guest-user` on the CLI, and the VS Code setting
// guestBroadcast.guestUser (its pattern in package.json says the same). They used to disagree (the
// setting allowed any length, the setup 32 characters, `host` did not check at all), so a name
// could be accepted by one and refused by the next.
export const UNIX_USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

/** What to do about a bad name, to follow "... is not a valid Unix user name: ". */
export const UNIX_USER_NAME_RULE = "use a lower-case letter or '_', then lower-case letters, digits, '_' and '-' (32 characters at most)";

export function isUnixUserName(name: string): boolean {
  return UNIX_USER_NAME.test(name);
}
