// The root script that sets up system mode's guest account: the 2013 recipe, automated and fixed
// for tmux 3.3 / OpenSSH 9. `setup-guest --print` shows exactly this text and `--apply` runs
// exactly this text, so what an admin reviews is what runs. It is idempotent: it checks before
// it changes anything, replaces its own sshd_config block, and a second run changes nothing.
// It never locks the admin out: the old sshd_config is backed up and restored when `sshd -t`
// rejects the new one, and sshd is only reloaded after a successful check.
import { shellCommand, shellQuote as q } from '../../tmux/attach';
import { forceCommandWrapper } from './forceCommandWrapper';
import { RELAY_TRIAL } from './sizeRelay';
import { GuestSetupOptions } from './options';
import { BACKUP_SUFFIX, scriptPrologue } from './scriptPrologue';
import { sshdMatchBlock } from './sshdMatchBlock';

/** Where in CHROOT/dev the chroot's own pty filesystem is mounted (see the chroot step). */
export const CHROOT_PTS_DIR = 'guest-broadcast-pts';
/** Its mount options: an instance of its own, whose ptmx anyone may open. */
export const CHROOT_PTS_OPTIONS = 'newinstance,ptmxmode=0666,mode=0620';

export { BACKUP_SUFFIX };
/** The comment of an account the setup created: the undo deletes only such an account. */
export const GUEST_ACCOUNT_COMMENT = 'Guest Broadcast viewer';
/** A file in a chroot folder the setup created: the undo removes only such a folder. */
export const CHROOT_MARK = '.guest-broadcast-chroot';

/** A heredoc delimiter that the embedded text cannot end early. */
function heredoc(tag: string, text: string): string {
  if (text.split('\n').includes(tag)) throw new Error(`heredoc tag ${tag} occurs in its text`);
  return `<<'${tag}'\n${text.endsWith('\n') ? text : text + '\n'}${tag}`;
}

function header(o: GuestSetupOptions): string[] {
  return [
    ...scriptPrologue(o, `set up the guest account "${o.guestUser}" for system mode (OpenSSH).`, 'guest-broadcast setup-guest'),
    '[ -x "$SSHD" ] || die "$SSHD not found: install the OpenSSH server (apt-get install openssh-server)."',
    '[ -x "$TMUX_BIN" ] || die "$TMUX_BIN not found: install tmux 3.3 or newer (apt-get install tmux)."',
    '# The forced command runs the guest\'s view through a small Perl relay that caps its size.',
    '"$PERL" -e \'use strict; use warnings; use Errno;\' 2>/dev/null || die "$PERL with its base modules is needed for the guest\'s size relay: install perl (apt-get install perl-base)."',
    '[ -f "$SSHD_CONFIG" ] || die "$SSHD_CONFIG does not exist: pass the sshd_config that your sshd reads (--sshd-config)."',
    'getent passwd "$HOST_USER" >/dev/null || die "the host user $HOST_USER does not exist (--host-user)."',
    '# Whether the chroot folder is new, looked at before any step puts something in it (step 4).',
    'CHROOT_FRESH=no',
    'if [ -n "$CHROOT" ] && { [ ! -d "$CHROOT" ] || [ -z "$(ls -A "$CHROOT")" ]; }; then CHROOT_FRESH=yes; fi',
  ];
}

function account(): string[] {
  return [
    '',
    '# 1. The account: a shell of /bin/sh (a nologin shell breaks ForceCommand, which sshd runs',
    '#    through the login shell) and an empty password (PAM nullok + PermitEmptyPasswords).',
    '#    The home is / so sshd can chdir there, with or without a chroot.',
    'if ! getent passwd "$GUEST" >/dev/null; then',
    `  useradd --home-dir / --no-create-home --shell /bin/sh --comment ${q(GUEST_ACCOUNT_COMMENT)} "$GUEST" \\`,
    '    || getent passwd "$GUEST" >/dev/null || die "could not create the user $GUEST."',
    '  say "created the user $GUEST"',
    'fi',
    'if [ "$(getent passwd "$GUEST" | cut -d: -f7)" != /bin/sh ]; then',
    '  usermod --shell /bin/sh "$GUEST"',
    '  say "set the login shell of $GUEST to /bin/sh"',
    'fi',
    'if [ -n "$(getent shadow "$GUEST" | cut -d: -f2)" ]; then',
    '  passwd -d "$GUEST" >/dev/null',
    '  say "emptied the password of $GUEST"',
    'fi',
    "if grep -Eqs '^[[:space:]]*auth[[:space:]].*pam_unix\\.so.*[[:space:]]nullok([[:space:]]|$)' /etc/pam.d/common-auth /etc/pam.d/sshd; then",
    '  say "PAM accepts empty passwords (pam_unix nullok)"',
    'else',
    '  warn "PAM refuses empty passwords, so $GUEST cannot log in: add nullok to the pam_unix.so line of /etc/pam.d/common-auth (or /etc/pam.d/sshd)."',
    'fi',
  ];
}

function wrapper(o: GuestSetupOptions): string[] {
  return [
    '',
    '# 2. The forced command: attaches read-only to the broadcast, ignores what the guest asked for.',
    '#    Written next to the old one and tried (step 5) before it replaces it, so a failed run',
    '#    leaves a working setup as it was.',
    'mkdir -p "$(dirname "$WRAPPER")"',
    `cat > "$WRAPPER.new" ${heredoc('GUEST_BROADCAST_WRAPPER', forceCommandWrapper(o))}`,
    'chown root:root "$WRAPPER.new"',
    'chmod 0755 "$WRAPPER.new"',
  ];
}

function socketDir(): string[] {
  return [
    '',
    '# 3. The socket folder: owned by the host so it can start the broadcast without root, 0711 so',
    '#    the guest can reach the socket inside without listing the folder.',
    'SOCKET_DIR=$(dirname "$SOCKET")',
    'if [ ! -d "$SOCKET_DIR" ]; then',
    '  mkdir -p "$SOCKET_DIR"',
    '  chown "$HOST_USER" "$SOCKET_DIR"',
    '  chmod 0711 "$SOCKET_DIR"',
    '  say "created the socket folder $SOCKET_DIR for $HOST_USER"',
    'fi',
    'dir=$SOCKET_DIR',
    'while [ "$dir" != / ]; do',
    '  case "$(stat -c %A "$dir")" in',
    '    *x|*t) ;;',
    '    *) warn "$dir is not searchable by other users, so $GUEST cannot reach the socket: chmod o+x $dir" ;;',
    '  esac',
    '  dir=$(dirname "$dir")',
    'done',
  ];
}

function chroot(): string[] {
  return [
    '',
    '# 4. The chroot: sshd demands that it and every folder above it are root-owned and not',
    '#    writable by others. Inside: /bin/sh (the login shell that runs ForceCommand), tmux, perl',
    '#    and its base modules (the size relay), their libraries, a UTF-8 locale (tmux refuses to',
    '#    start without one), terminfo, /dev/null, and a pty filesystem of the chroot\'s own.',
    'if [ -n "$CHROOT" ]; then',
    '  mkdir -p "$CHROOT"',
    '  # A folder made by this script (or found empty) is marked as ours: `setup-guest --undo` may remove it.',
    `  if [ "$CHROOT_FRESH" = yes ]; then : > "$CHROOT/${CHROOT_MARK}"; fi`,
    '  chown root:root "$CHROOT"',
    '  chmod 0755 "$CHROOT"',
    '  dir=$CHROOT',
    '  while :; do',
    '    set -- $(stat -c "%u %a" "$dir")',
    '    [ "$1" = 0 ] || die "$dir is not owned by root, so sshd refuses it as part of a chroot: choose a folder like /srv/guest-broadcast."',
    '    case "$2" in',
    '      *[2367]?|*?[2367]) die "$dir is writable by group or others, so sshd refuses it as part of a chroot: choose a folder like /srv/guest-broadcast." ;;',
    '    esac',
    '    [ "$dir" = / ] && break',
    '    dir=$(dirname "$dir")',
    '  done',
    '  copy_with_libs() {',
    '    mkdir -p "$CHROOT$(dirname "$1")"',
    '    cp -fL "$1" "$CHROOT$1"',
    "    ldd \"$1\" | awk '$2 == \"=>\" && $3 ~ /^\\// { print $3 } $1 ~ /^\\// { print $1 }' | while read -r lib; do",
    '      mkdir -p "$CHROOT$(dirname "$lib")"',
    '      cp -fL "$lib" "$CHROOT$lib"',
    '    done',
    '  }',
    '  copy_with_libs /bin/sh',
    '  copy_with_libs "$TMUX_BIN"',
    '  copy_with_libs "$PERL"',
    '  # The modules the relay loads, wherever this perl keeps them.',
    '  "$PERL" -e \'use strict; use warnings; use Errno; print "$_\\n" for values %INC\' | while read -r module; do',
    '    mkdir -p "$CHROOT$(dirname "$module")"',
    '    cp -fL "$module" "$CHROOT$module"',
    '  done',
    '  if [ -d /usr/lib/locale/C.utf8 ]; then',
    '    mkdir -p "$CHROOT/usr/lib/locale"',
    '    cp -a /usr/lib/locale/C.utf8 "$CHROOT/usr/lib/locale/"',
    '  else',
    '    warn "no C.UTF-8 locale in /usr/lib/locale: tmux in the chroot may refuse to start (apt-get install locales)."',
    '  fi',
    '  for dir in /lib/terminfo /usr/share/terminfo /etc/terminfo; do',
    '    if [ -d "$dir" ]; then mkdir -p "$CHROOT$dir" && cp -a "$dir/." "$CHROOT$dir/"; fi',
    '  done',
    '  mkdir -p "$CHROOT/dev" "$CHROOT/etc"',
    '  [ -c "$CHROOT/dev/null" ] || mknod -m 0666 "$CHROOT/dev/null" c 1 3 || warn "could not create $CHROOT/dev/null"',
    '  # The relay opens a pty: a devpts instance of the chroot\'s own (newinstance), so guests see',
    `  # only the ptys made in there. Not at dev/pts: tmux names a client after its tty, found there,`,
    `  # and chroot ptys numbered like the host's would share names with the host's own clients.`,
    '  # Recorded in fstab so it is back after a reboot.',
    `  PTS_DIR="$CHROOT/dev/${CHROOT_PTS_DIR}"`,
    '  mkdir -p "$PTS_DIR"',
    `  PTS_OPTIONS=${CHROOT_PTS_OPTIONS}`,
    '  if awk -v dir="$PTS_DIR" \'$2 == dir && $3 == "devpts" { found = 1 } END { exit !found }\' /proc/mounts; then',
    '    say "$PTS_DIR is mounted"',
    '  else',
    '    mount -t devpts -o "$PTS_OPTIONS" devpts "$PTS_DIR" || die "could not mount a pty filesystem on $PTS_DIR, which the guest\'s size relay needs: mount -t devpts -o $PTS_OPTIONS devpts $PTS_DIR"',
    '    say "mounted a pty filesystem of its own on $PTS_DIR"',
    '  fi',
    `  if [ "$(readlink "$CHROOT/dev/ptmx" 2>/dev/null)" != ${CHROOT_PTS_DIR}/ptmx ]; then rm -f "$CHROOT/dev/ptmx"; ln -s ${CHROOT_PTS_DIR}/ptmx "$CHROOT/dev/ptmx"; fi`,
    '  FSTAB_LINE="devpts $PTS_DIR devpts $PTS_OPTIONS,nofail 0 0"',
    '  if ! grep -qxF "$FSTAB_LINE" "$FSTAB" 2>/dev/null; then',
    '    # A last line without its newline would be joined with ours, breaking both.',
    '    if [ -s "$FSTAB" ] && [ -n "$(tail -c 1 "$FSTAB")" ]; then echo >> "$FSTAB"; fi',
    '    printf \'%s\\n\' "$FSTAB_LINE" >> "$FSTAB"',
    '    say "added the mount of $PTS_DIR to $FSTAB (it comes back after a reboot)"',
    '  fi',
    "  # A kicked guest's farewell (tmux detach-client -E) runs through the host's shell, named by its",
    "  # path on the host; in here that path leads to the chroot's /bin/sh, so the guest still reads why.",
    '  HOST_SHELL=$(getent passwd "$HOST_USER" | cut -d: -f7)',
    '  case "$HOST_SHELL" in',
    '    /bin/sh|"") ;;',
    '    /*) if [ ! -e "$CHROOT$HOST_SHELL" ] && [ ! -L "$CHROOT$HOST_SHELL" ]; then mkdir -p "$CHROOT$(dirname "$HOST_SHELL")" && ln -s /bin/sh "$CHROOT$HOST_SHELL"; fi ;;',
    '  esac',
    '  # Only the accounts tmux may look up, and never a password hash.',
    '  { getent passwd root "$GUEST" "$HOST_USER" | cut -d: -f1,3- | sed "s/:/:x:/"; } | sort -u > "$CHROOT/etc/passwd"',
    '  { getent group root "$(id -gn "$GUEST")" | cut -d: -f1,3- | sed "s/:/:x:/"; } | sort -u > "$CHROOT/etc/group"',
    '  say "populated the chroot $CHROOT ($(du -sh "$CHROOT" | cut -f1))"',
    'fi',
  ];
}

function installWrapper(): string[] {
  const trial = shellCommand(RELAY_TRIAL);
  return [
    '',
    '# 5. Try the new forced command\'s relay where guests run it (as the guest, in the chroot if',
    '#    there is one, with a harmless command instead of tmux), then put it in place.',
    'GUEST_IDS="$(id -u "$GUEST"):$(id -g "$GUEST")"',
    'if [ -n "$CHROOT" ]; then',
    `  trial=$(chroot --userspec="$GUEST_IDS" "$CHROOT" "$PERL" -x "$GUEST_WRAPPER.new" ${trial} 2>&1 </dev/null) \\`,
    `    || die "the size relay does not run inside $CHROOT ($trial): check it with: chroot --userspec=$GUEST_IDS $CHROOT $PERL -x $GUEST_WRAPPER.new ${trial}"`,
    'else',
    `  trial=$(setpriv --reuid="$(id -u "$GUEST")" --regid="$(id -g "$GUEST")" --clear-groups "$PERL" -x "$WRAPPER.new" ${trial} 2>&1 </dev/null) \\`,
    '    || die "the size relay does not run for $GUEST ($trial): check $PERL and /dev/ptmx, then run this again."',
    'fi',
    'mv -f "$WRAPPER.new" "$WRAPPER"',
    'say "wrote the forced command $WRAPPER (its size relay runs)"',
  ];
}

function sshdConfig(o: GuestSetupOptions): string[] {
  return [
    '',
    '# 6. sshd_config: our Match block replaces any earlier one (between the markers), at the end',
    '#    of the file where a Match block must be. Backed up first; restored if sshd -t rejects it.',
    '[ -d /run/sshd ] || mkdir -m 0755 /run/sshd  # sshd -t needs its privilege separation folder',
    'NEW_CONFIG="$SSHD_CONFIG.guest-broadcast.new"',
    'awk -v begin="$BEGIN_MARK" -v end="$END_MARK" \'$0 == begin { skip = 1; next } $0 == end { skip = 0; next } !skip\' "$SSHD_CONFIG" > "$NEW_CONFIG"',
    `cat >> "$NEW_CONFIG" ${heredoc('GUEST_BROADCAST_MATCH', sshdMatchBlock(o).join('\n'))}`,
    'if cmp -s "$NEW_CONFIG" "$SSHD_CONFIG"; then',
    '  rm -f "$NEW_CONFIG"',
    '  say "$SSHD_CONFIG already has the Match User $GUEST block"',
    '  CHANGED=no',
    'else',
    '  cp -p "$SSHD_CONFIG" "$BACKUP"',
    '  cat "$NEW_CONFIG" > "$SSHD_CONFIG"',
    '  rm -f "$NEW_CONFIG"',
    '  say "wrote the Match User $GUEST block to $SSHD_CONFIG (backup: $BACKUP)"',
    '  CHANGED=yes',
    'fi',
    'if ! "$SSHD" -t -f "$SSHD_CONFIG"; then',
    '  if [ "$CHANGED" = yes ]; then',
    '    cp -p "$BACKUP" "$SSHD_CONFIG"',
    '    die "sshd rejected the new configuration (see above), so the previous $SSHD_CONFIG was restored and sshd was not reloaded."',
    '  fi',
    '  die "sshd rejects $SSHD_CONFIG (see above): fix it, then run this again."',
    'fi',
    'say "sshd -t accepts $SSHD_CONFIG"',
  ];
}

function reload(): string[] {
  return [
    '',
    '# 7. Reload sshd (only after the check above passed). Existing sessions stay up.',
    ...reloadSshdLines(),
    'say "done: guests watch with: ssh $GUEST@$(uname -n)"',
  ];
}

/** Reloads a running sshd when $RELOAD and $CHANGED are yes (shared with the undo script). */
export function reloadSshdLines(): string[] {
  return [
    'if [ "$RELOAD" = yes ] && [ "$CHANGED" = yes ]; then',
    '  # systemd\'s ssh service reads the default config; an sshd with a config of its own is found by its PidFile.',
    '  if [ "$SSHD_CONFIG" = /etc/ssh/sshd_config ] && command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet ssh 2>/dev/null; then',
    '    systemctl reload ssh && say "reloaded sshd (systemctl reload ssh)"',
    '  elif [ "$SSHD_CONFIG" = /etc/ssh/sshd_config ] && command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet sshd 2>/dev/null; then',
    '    systemctl reload sshd && say "reloaded sshd (systemctl reload sshd)"',
    '  elif PIDFILE=$("$SSHD" -T -f "$SSHD_CONFIG" 2>/dev/null | awk \'$1 == "pidfile" { print $2 }\') && [ -f "${PIDFILE:=/run/sshd.pid}" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then',
    '    # The sshd that reads this config (its PidFile), which need not be the system\'s.',
    '    kill -HUP "$(cat "$PIDFILE")" && say "reloaded sshd (SIGHUP to the PID in $PIDFILE)"',
    '  else',
    '    warn "no sshd runs with $SSHD_CONFIG: start it (service ssh start, or $SSHD -f $SSHD_CONFIG) so the change applies."',
    '  fi',
    'elif [ "$CHANGED" = yes ]; then',
    '  # --no-reload: the change is on disk but sshd still runs with the old config; say how to apply it.',
    '  if [ "$SSHD_CONFIG" = /etc/ssh/sshd_config ] && command -v systemctl >/dev/null 2>&1; then',
    '    RELOAD_WITH="systemctl reload ssh"',
    '  else',
    '    PIDFILE=$("$SSHD" -T -f "$SSHD_CONFIG" 2>/dev/null | awk \'$1 == "pidfile" { print $2 }\')',
    '    RELOAD_WITH="kill -HUP \\$(cat ${PIDFILE:-/run/sshd.pid})"',
    '  fi',
    '  warn "sshd was not reloaded (--no-reload), so it does not apply the change yet: reload it with: $RELOAD_WITH"',
    'fi',
  ];
}

/** The whole root script, as `setup-guest --print` shows it and `--apply` runs it. */
export function guestSetupScript(o: GuestSetupOptions): string {
  return [...header(o), ...account(), ...wrapper(o), ...socketDir(), ...chroot(), ...installWrapper(), ...sshdConfig(o), ...reload(), ''].join('\n');
}
