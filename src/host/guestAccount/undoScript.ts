// The root script that undoes `setup-guest --apply`: `setup-guest --undo --print` shows exactly
// this text and `setup-guest --undo` runs exactly this text. Like the setup it is idempotent (a
// second run finds nothing to do and changes nothing) and never leaves an sshd_config that
// `sshd -t` rejects. It removes only what the setup made, and says what it left and why:
// - sshd_config: when everything outside our marked block is still what the backup holds, the
//   backup goes back byte for byte (a missing final newline, mode and owner included); when the
//   admin edited the file after the setup, only the lines between our markers go and the rest
//   stays as it is. Broken markers (one without the other) stop the script before any change.
// - The guest account: deleted only when the setup created it (its comment says so); an account
//   that existed before keeps living, with its emptied password locked.
// - The wrapper, only when it is a Guest Broadcast forced command; its folder when left empty.
// - The socket folder, only when it is empty (a stale socket aside) and has the setup's mode 0711.
// - The chroot: its pty mount and fstab line; the folder only when the setup made it (marked).
// It refuses to start while a broadcast runs on the socket or the guest is still logged in.
import { shellQuote as q } from '../../tmux/attach';
import { WRAPPER_SIGNATURE } from './forceCommandWrapper';
import { GuestSetupOptions } from './options';
import { CHROOT_MARK, CHROOT_PTS_DIR, CHROOT_PTS_OPTIONS, GUEST_ACCOUNT_COMMENT, reloadSshdLines } from './setupScript';
import { scriptPrologue } from './scriptPrologue';

function header(o: GuestSetupOptions): string[] {
  return [
    ...scriptPrologue(o, `undo the system mode set-up of the guest account "${o.guestUser}".`, 'guest-broadcast setup-guest --undo'),
    'CHANGED=no',
    '# Set when step 1 or 2 finds something the setup made: only then is an existing account touched.',
    'OURS=no',
    'KEEP_BACKUP=no',
    '[ -x "$SSHD" ] || die "$SSHD not found: it is needed to check sshd_config (sshd -t)."',
    '[ -f "$SSHD_CONFIG" ] || die "$SSHD_CONFIG does not exist: pass the sshd_config the setup changed (--sshd-config)."',
  ];
}

function preflight(): string[] {
  return [
    '',
    '# 0. Nothing changes while the broadcast runs or a guest is logged in, or when the options',
    '#    do not match the set-up (its chroot is named in our sshd_config block).',
    'if [ -x "$TMUX_BIN" ] && [ -S "$SOCKET" ] && "$TMUX_BIN" -S "$SOCKET" list-sessions >/dev/null 2>&1; then',
    '  die "a broadcast is running on $SOCKET: stop it first (guest-broadcast stop --mode system --socket $SOCKET), then run this again."',
    'fi',
    'if getent passwd "$GUEST" >/dev/null && pgrep -u "$GUEST" >/dev/null 2>&1; then',
    '  die "$GUEST is still logged in (processes: $(pgrep -d, -u "$GUEST")): stop the broadcast so guests leave, then run this again."',
    'fi',
    'BLOCK_CHROOT=$(awk -v begin="$BEGIN_MARK" -v end="$END_MARK" \'$0 == begin { inside = 1; next } $0 == end { inside = 0 } inside && $1 == "ChrootDirectory" { print $2 }\' "$SSHD_CONFIG")',
    'if [ -n "$BLOCK_CHROOT" ] && [ "$BLOCK_CHROOT" != "$CHROOT" ]; then',
    '  die "the set-up in $SSHD_CONFIG uses the chroot $BLOCK_CHROOT: run the undo with the options of the set-up (--chroot $BLOCK_CHROOT)."',
    'fi',
  ];
}

function sshdConfig(): string[] {
  return [
    '',
    '# 1. sshd_config first, so no guest can log in while the rest goes. Our block must be whole',
    '#    (one BEGIN line, then one END line), or nothing is changed.',
    'BEGINS=$(grep -cxF "$BEGIN_MARK" "$SSHD_CONFIG" || true)',
    'ENDS=$(grep -cxF "$END_MARK" "$SSHD_CONFIG" || true)',
    'if [ "$BEGINS" = 0 ] && [ "$ENDS" = 0 ]; then',
    '  say "$SSHD_CONFIG holds no Guest Broadcast block for $GUEST"',
    'else',
    '  if [ "$BEGINS" != 1 ] || [ "$ENDS" != 1 ] || ! awk -v begin="$BEGIN_MARK" -v end="$END_MARK" \'$0 == begin { b = NR } $0 == end { e = NR } END { exit !(b < e) }\' "$SSHD_CONFIG"; then',
    '    die "$SSHD_CONFIG has $BEGINS BEGIN and $ENDS END lines for $GUEST instead of one block: delete the Guest Broadcast lines by hand (sshd -t -f $SSHD_CONFIG checks the result), then run this again."',
    '  fi',
    '  STRIPPED="$SSHD_CONFIG.guest-broadcast.new"',
    '  SAVED="$SSHD_CONFIG.guest-broadcast.undo"',
    '  awk -v begin="$BEGIN_MARK" -v end="$END_MARK" \'$0 == begin { skip = 1; next } $0 == end { skip = 0; next } !skip\' "$SSHD_CONFIG" > "$STRIPPED"',
    '  cp -p "$SSHD_CONFIG" "$SAVED"',
    '  # The setup wrote the rest of the file through the same awk, so an unedited file matches',
    '  # the backup read through awk; then the backup itself goes back, byte for byte.',
    '  if [ -f "$BACKUP" ] && ! grep -qxF "$BEGIN_MARK" "$BACKUP" && awk 1 "$BACKUP" | cmp -s - "$STRIPPED"; then',
    '    cp -p "$BACKUP" "$SSHD_CONFIG"',
    '    say "restored $SSHD_CONFIG as it was before the setup (from $BACKUP)"',
    '  else',
    '    cat "$STRIPPED" > "$SSHD_CONFIG"',
    '    say "removed the Match User $GUEST block from $SSHD_CONFIG; the rest of it changed since the setup (or has no backup), so it stays as it is"',
    '    KEEP_BACKUP=yes',
    '  fi',
    '  rm -f "$STRIPPED"',
    '  CHANGED=yes',
    '  OURS=yes',
    '  [ -d /run/sshd ] || mkdir -m 0755 /run/sshd  # sshd -t needs its privilege separation folder',
    '  if ! "$SSHD" -t -f "$SSHD_CONFIG"; then',
    '    cp -p "$SAVED" "$SSHD_CONFIG"',
    '    rm -f "$SAVED"',
    '    die "sshd rejects $SSHD_CONFIG without the block (see above), so it was put back as it was and nothing else was changed: fix the rest of the file, then run this again."',
    '  fi',
    '  rm -f "$SAVED"',
    '  say "sshd -t accepts $SSHD_CONFIG"',
    'fi',
    'if [ -f "$BACKUP" ] && [ "$KEEP_BACKUP" = yes ]; then',
    '  # It was not used (the file was edited since the setup): it is the only copy from before.',
    '  say "kept $BACKUP, sshd_config as it was before the setup: delete it yourself once you no longer need it"',
    'elif [ -f "$BACKUP" ]; then',
    '  rm -f "$BACKUP"',
    '  say "removed the backup $BACKUP"',
    'fi',
    ...reloadSshdLines(),
  ];
}

function wrapper(): string[] {
  return [
    '',
    '# 2. The forced command (and a half-written new one), only when it is ours.',
    'for file in "$WRAPPER" "$WRAPPER.new"; do',
    '  [ -f "$file" ] || continue',
    `  if grep -qF ${q(WRAPPER_SIGNATURE)} "$file"; then`,
    '    rm -f "$file"',
    '    OURS=yes',
    '    say "removed the forced command $file"',
    '  else',
    '    warn "left $file: it is not a Guest Broadcast forced command."',
    '  fi',
    'done',
    'WRAPPER_DIR=$(dirname "$WRAPPER")',
    'if [ "$(basename "$WRAPPER_DIR")" = guest-broadcast ] && [ -d "$WRAPPER_DIR" ] && rmdir "$WRAPPER_DIR" 2>/dev/null; then',
    '  say "removed the empty folder $WRAPPER_DIR"',
    'fi',
  ];
}

function socketDir(): string[] {
  return [
    '',
    '# 3. The socket folder the setup made (mode 0711), once nothing but a stale socket is in it.',
    'SOCKET_DIR=$(dirname "$SOCKET")',
    'if [ -d "$SOCKET_DIR" ] && [ "$(stat -c %a "$SOCKET_DIR")" = 711 ]; then',
    '  [ -S "$SOCKET" ] && rm -f "$SOCKET"',
    '  if rmdir "$SOCKET_DIR" 2>/dev/null; then',
    '    say "removed the socket folder $SOCKET_DIR"',
    '  else',
    '    warn "left the socket folder $SOCKET_DIR: it holds other files."',
    '  fi',
    'fi',
  ];
}

function chroot(): string[] {
  return [
    '',
    '# 4. The chroot: its pty mount, the fstab line, then the folder if the setup made it.',
    'if [ -n "$CHROOT" ]; then',
    `  PTS_DIR="$CHROOT/dev/${CHROOT_PTS_DIR}"`,
    '  if awk -v dir="$PTS_DIR" \'$2 == dir { found = 1 } END { exit !found }\' /proc/mounts; then',
    '    umount "$PTS_DIR" || die "could not unmount $PTS_DIR (is a guest still using it?): umount $PTS_DIR, then run this again."',
    '    say "unmounted $PTS_DIR"',
    '  fi',
    `  FSTAB_LINE="devpts $PTS_DIR devpts ${CHROOT_PTS_OPTIONS},nofail 0 0"`,
    '  if grep -qxF "$FSTAB_LINE" "$FSTAB" 2>/dev/null; then',
    '    grep -vxF "$FSTAB_LINE" "$FSTAB" > "$FSTAB.guest-broadcast.new" || true',
    '    cat "$FSTAB.guest-broadcast.new" > "$FSTAB"',
    '    rm -f "$FSTAB.guest-broadcast.new"',
    '    say "removed the mount of $PTS_DIR from $FSTAB"',
    '  fi',
    '  if [ -d "$CHROOT" ]; then',
    '    if awk -v dir="$CHROOT/" \'index($2, dir) == 1 { found = 1 } END { exit !found }\' /proc/mounts; then',
    '      die "something is still mounted under $CHROOT (see /proc/mounts): unmount it, then run this again."',
    '    fi',
    `    if [ -e "$CHROOT/${CHROOT_MARK}" ]; then`,
    '      rm -rf --one-file-system "$CHROOT"',
    '      say "removed the chroot $CHROOT"',
    '    else',
    `      warn "left $CHROOT: the setup did not create it (there is no $CHROOT/${CHROOT_MARK}), so it may hold files of yours; remove it yourself when you are sure."`,
    '    fi',
    '  fi',
    'fi',
  ];
}

function account(): string[] {
  return [
    '',
    '# 5. The account, last: deleted when the setup created it; otherwise kept, and the empty',
    '#    password the setup gave it is locked.',
    'if ! getent passwd "$GUEST" >/dev/null; then',
    '  say "there is no user $GUEST"',
    `elif [ "$(getent passwd "$GUEST" | cut -d: -f5)" = ${q(GUEST_ACCOUNT_COMMENT)} ]; then`,
    '  userdel "$GUEST" || die "could not delete the user $GUEST (userdel says why above)."',
    '  say "deleted the user $GUEST (the setup created it)"',
    'elif [ "$OURS" = yes ] && [ -z "$(getent shadow "$GUEST" | cut -d: -f2)" ]; then',
    '  passwd -l "$GUEST" >/dev/null',
    '  say "kept the user $GUEST (it existed before the setup) and locked its empty password: give it one with passwd $GUEST"',
    'else',
    '  say "kept the user $GUEST (it existed before the setup)"',
    'fi',
    'say "done: the guest set-up of $GUEST is undone"',
  ];
}

/** The whole undo script, as `setup-guest --undo --print` shows it and `setup-guest --undo` runs it. */
export function guestUndoScript(o: GuestSetupOptions): string {
  return [...header(o), ...preflight(), ...sshdConfig(), ...wrapper(), ...socketDir(), ...chroot(), ...account(), ''].join('\n');
}
