// The guest setup's pure parts: option checks, the Match block, the forced command, and the
// generated root script (syntax-checked by the real /bin/sh, never run here).
import assert from 'node:assert/strict';
import { HOST_SIZE_COMMAND } from '../../src/wire/hostSize';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { forceCommandWrapper } from '../../src/host/guestAccount/forceCommandWrapper';
import { GuestSetupError, resolveGuestSetupOptions } from '../../src/host/guestAccount/options';
import { guestSetupScript } from '../../src/host/guestAccount/setupScript';
import { countManagedBlocks, sshdMatchBlock } from '../../src/host/guestAccount/sshdMatchBlock';
import { guestAttachArgv, shellCommand } from '../../src/tmux/attach';

const base = { hostUser: 'alice', tmuxPath: '/usr/bin/tmux', sshdPath: '/usr/sbin/sshd' };

test('defaults follow the 2013 recipe: user guest, /var/lib/tmux-sessions/guest, /etc/ssh/sshd_config', () => {
  const o = resolveGuestSetupOptions(base);
  assert.equal(o.guestUser, 'guest');
  assert.equal(o.socketPath, '/var/lib/tmux-sessions/guest');
  assert.equal(o.guestSocketPath, o.socketPath);
  assert.equal(o.sessionName, 'broadcast');
  assert.equal(o.sshdConfig, '/etc/ssh/sshd_config');
  assert.equal(o.wrapperPath, '/usr/local/libexec/guest-broadcast/watch-guest');
  assert.equal(o.chrootDir, undefined);
  assert.equal(o.reload, true);
});

test('with a chroot the socket defaults inside it and the guest sees it without the prefix', () => {
  const o = resolveGuestSetupOptions({ ...base, chrootDir: '/srv/gb/' });
  assert.equal(o.chrootDir, '/srv/gb');
  assert.equal(o.socketPath, '/srv/gb/var/lib/tmux-sessions/guest');
  assert.equal(o.guestSocketPath, '/var/lib/tmux-sessions/guest');
});

test('bad options are refused with what to do', () => {
  const bad: Array<[Parameters<typeof resolveGuestSetupOptions>[0], RegExp]> = [
    [{ ...base, guestUser: 'Guest' }, /not a valid Unix user name.*--guest-user/],
    [{ ...base, guestUser: 'x;rm -rf /' }, /not a valid Unix user name/],
    [{ ...base, guestUser: 'root' }, /cannot be root/],
    [{ ...base, hostUser: 'guest' }, /both "guest".*read-write/],
    [{ ...base, sessionName: 'a b' }, /not allowed.*--session/],
    [{ ...base, socketPath: 'relative/sock' }, /absolute path.*--socket/],
    [{ ...base, socketPath: "/tmp/a b'/sock" }, /cannot go into sshd_config safely/],
    [{ ...base, socketPath: '/sock' }, /folder of its own/],
    [{ ...base, sshdConfig: 'sshd_config' }, /--sshd-config/],
    [{ ...base, chrootDir: '/' }, /whole system/],
    [{ ...base, chrootDir: '/srv/gb', socketPath: '/var/lib/tmux-sessions/guest' }, /--socket \/srv\/gb\/var\/lib\/tmux-sessions\/guest/],
    [{ ...base, chrootDir: '/srv/gb', socketPath: '/srv/gbx/s/guest' }, /inside that folder/],
  ];
  for (const [input, message] of bad) {
    assert.throws(() => resolveGuestSetupOptions(input), (e: Error) => e instanceof GuestSetupError && message.test(e.message), JSON.stringify(input));
  }
});

test('the Match block has every option the recipe needs and no AuthenticationMethods', () => {
  const block = sshdMatchBlock(resolveGuestSetupOptions(base));
  assert.deepEqual(block.slice(1), [
    'Match User guest',
    '\tPermitEmptyPasswords yes',
    '\tPasswordAuthentication yes',
    '\tForceCommand /usr/local/libexec/guest-broadcast/watch-guest',
    '\tPermitTTY yes',
    '\tDisableForwarding yes',
    '\tPermitTunnel no',
    '\tPermitUserRC no',
    '\tMaxSessions 2',
    'Match all',
    '# END guest-broadcast guest',
  ]);
  assert.match(block[0], /^# BEGIN guest-broadcast guest /);
  const chrooted = sshdMatchBlock(resolveGuestSetupOptions({ ...base, chrootDir: '/srv/gb' }));
  assert.ok(chrooted.includes('\tChrootDirectory /srv/gb'));
  assert.ok(!block.join('\n').includes('AuthenticationMethods'));
  assert.equal(countManagedBlocks(`x\n${block.join('\n')}\ny\n`, 'guest'), 1);
  assert.equal(countManagedBlocks(`x\n${block.join('\n')}\n`, 'other'), 0);
});

test('the forced command attaches with the one read-only argv, to the socket the guest sees', () => {
  const o = resolveGuestSetupOptions({ ...base, chrootDir: '/srv/gb', sessionName: 'demo' });
  const wrapper = forceCommandWrapper(o);
  const attach = shellCommand(guestAttachArgv({ socketPath: '/var/lib/tmux-sessions/guest', sessionName: 'demo', tmuxBin: '/usr/bin/tmux' }));
  assert.ok(wrapper.startsWith('#!/bin/sh\n'));
  // The attach (behind the size relay, which is this same file) is the shell's last command; only
  // the exit status and a farewell follow it, then the relay's Perl, which the shell never reads.
  const shellPart = wrapper.slice(0, wrapper.indexOf('\n#!perl\n'));
  const lines = shellPart.trimEnd().split('\n');
  assert.deepEqual(lines.slice(-4, -2), [`/usr/bin/perl -x /usr/local/libexec/guest-broadcast/watch-guest 1000 500 ${attach}`, 'status=$?']);
  // The relay's own refusal (125) has said why; any other failure is the end of the broadcast.
  assert.match(lines[lines.length - 2], /^if \[ "\$status" -ne 0 \] && \[ "\$status" -ne 125 \]; then printf .*the broadcast has ended/);
  assert.match(lines[lines.length - 6], /^unset PERL5OPT PERL5LIB .*PERL5DB/);
  assert.equal(lines[lines.length - 1], 'exit "$status"');
  assert.match(attach, / attach-session -r -E -t =demo$/);
  assert.ok(wrapper.trimEnd().endsWith('__END__'));
  const compiled = spawnSync('perl', ['-c', '-x', '-'], { input: wrapper, encoding: 'utf8' });
  assert.equal(compiled.status, 0, compiled.stderr);
  // The relay runs a command in its pty and passes its exit status on; what it cannot run, it says.
  const dir = mkdtempSync(join(tmpdir(), 'gb-relay-'));
  try {
    writeFileSync(join(dir, 'watch'), wrapper);
    const ran = spawnSync('perl', ['-x', join(dir, 'watch'), '80', '24', '/bin/sh', '-c', 'stty size; exit 7'], { encoding: 'utf8', input: '' });
    assert.equal(ran.status, 7, ran.stdout + ran.stderr);
    assert.match(ran.stdout, /^24 80\r?$/m);
    const refused = spawnSync('perl', ['-x', join(dir, 'watch'), '80', '24', '/nonexistent/tmux'], { encoding: 'utf8', input: '' });
    assert.equal(refused.status, 125);
    assert.match(refused.stdout, /cannot run \/nonexistent\/tmux/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(!wrapper.includes('/srv/gb'), 'the guest inside the chroot cannot see the chroot prefix');
  // The guest's requested command is never evaluated.
  // What the guest asked to run is never run: it is only compared with the one word that asks
  // for the host's size, which runs a fixed program (the watcher's host-size stream).
  const uses = wrapper.split('\n').filter((l) => !l.startsWith('#') && l.includes('SSH_ORIGINAL_COMMAND'));
  assert.deepEqual(uses, [`if [ "$SSH_ORIGINAL_COMMAND" = ${HOST_SIZE_COMMAND} ]; then`]);
  assert.equal(spawnSync('/bin/sh', ['-n'], { input: shellPart }).status, 0);
});

test('the root script backs up, validates with sshd -t, restores on failure, and reloads only after', () => {
  const o = resolveGuestSetupOptions({ ...base, sshdConfig: '/tmp/test_sshd_config', reload: false });
  const script = guestSetupScript(o);
  assert.ok(script.startsWith('#!/bin/sh\n'));
  assert.match(script, /^set -eu$/m);
  assert.match(script, /^SSHD_CONFIG=\/tmp\/test_sshd_config$/m);
  assert.match(script, /^RELOAD=no$/m);
  assert.match(script, /^CHROOT=''$/m);
  assert.match(script, /passwd -d "\$GUEST"/);
  assert.match(script, /--shell \/bin\/sh/);
  assert.match(script, /pam_unix\\\.so.*nullok/);
  const backup = script.indexOf('cp -p "$SSHD_CONFIG" "$BACKUP"');
  const validate = script.indexOf('"$SSHD" -t -f "$SSHD_CONFIG"');
  const restore = script.indexOf('cp -p "$BACKUP" "$SSHD_CONFIG"');
  const reload = script.indexOf('systemctl reload ssh');
  assert.ok(backup > 0 && backup < validate && validate < restore && restore < reload, 'backup, validate, restore, reload are out of order');
  for (const line of sshdMatchBlock(o)) assert.ok(script.includes(`\n${line}\n`), line);
  assert.ok(script.includes(forceCommandWrapper(o)));
  assert.equal(spawnSync('/bin/sh', ['-n'], { input: script }).status, 0, 'the script is not valid sh');
});

test('the chroot part copies sh, tmux, libraries, the locale and terminfo, and checks ownership', () => {
  const script = guestSetupScript(resolveGuestSetupOptions({ ...base, chrootDir: '/srv/gb' }));
  assert.match(script, /^CHROOT=\/srv\/gb$/m);
  assert.match(script, /^WRAPPER=\/srv\/gb\/usr\/local\/libexec\/guest-broadcast\/watch-guest$/m);
  for (const piece of ['copy_with_libs /bin/sh', 'copy_with_libs "$TMUX_BIN"', 'ldd "$1"', '/usr/lib/locale/C.utf8', '/usr/share/terminfo', 'mknod -m 0666', 'is not owned by root']) {
    assert.ok(script.includes(piece), piece);
  }
});

test('the script is the same text for the same options (what --print shows is what --apply runs)', () => {
  const o = resolveGuestSetupOptions(base);
  assert.equal(guestSetupScript(o), guestSetupScript({ ...o }));
});
