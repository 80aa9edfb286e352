// `setup-guest --undo` for real (as root) against temp sshd configs: it puts sshd_config back byte
// for byte, removes what --apply made, keeps what the admin changed since, and a second run is a
// no-op. Each test has a guest account of its own, so tests of other files using "guest" are safe.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { applyGuestSetup, undoGuestSetup } from '../../src/host/guestAccount/applySetup';
import { defaultWrapperPath, resolveGuestSetupOptions } from '../../src/host/guestAccount/options';
import { CHROOT_PTS_DIR } from '../../src/host/guestAccount/setupScript';
import { getentPasswd, getentShadowPassword, isMounted } from '../../src/host/guestAccount/systemFacts';
import { guestUndoScript } from '../../src/host/guestAccount/undoScript';
import { isRoot } from '../helpers/ptyClient';

const skip = isRoot ? false : 'needs root';
const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'gb-undo-'));
// No final newline on purpose: the setup's awk adds one, and the undo must give it back as it was.
const BASE = (key: string): string => `# test sshd\nPort 22\nListenAddress 127.0.0.1\nHostKey ${key}\nUsePAM yes`;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The options both --apply and --undo get in a test: a temp config and socket, no sshd reload. */
function args(user: string, config: string): string[] {
  return ['--guest-user', user, '--sshd-config', config, '--socket', join(dir, `${user}-sock`, 'guest'), '--host-user', 'root', '--no-reload'];
}

function removeUser(user: string): void {
  try {
    execFileSync('userdel', [user], { stdio: 'ignore' });
  } catch {
    // not there
  }
}

before(() => {
  chmodSync(dir, 0o755);
  if (isRoot) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')]);
});

after(() => {
  for (const user of ['gbundo1', 'gbundo2', 'gbundo3', 'gbundo4', 'gbundo5', 'gbundo6', 'gbundoc']) {
    if (isRoot) removeUser(user);
    rmSync(defaultWrapperPath(user), { force: true });
  }
  rmSync(dir, { recursive: true, force: true });
});

test('setup-guest --undo restores sshd_config byte for byte, removes what --apply made, and a second --undo changes nothing', { skip }, async () => {
  const user = 'gbundo1';
  const config = join(dir, 'undo_config');
  const original = BASE(join(dir, 'key'));
  writeFileSync(config, original, { mode: 0o640 });
  chmodSync(config, 0o640);
  const wrapper = defaultWrapperPath(user);
  const socketDir = join(dir, `${user}-sock`);

  const applied = await cli(['setup-guest', '--apply', ...args(user, config)]);
  assert.equal(applied.code, 0, applied.stdout + applied.stderr);
  assert.notEqual(readFileSync(config, 'utf8'), original);
  assert.ok(existsSync(config + '.guest-broadcast.bak'), 'no backup was made');
  assert.ok(existsSync(wrapper), 'no wrapper was made');
  assert.ok(existsSync(socketDir), 'no socket folder was made');
  assert.ok(await getentPasswd(user), 'no user was made');

  const printed = await cli(['setup-guest', '--undo', '--print', ...args(user, config)]);
  assert.equal(printed.code, 0, printed.stderr);
  const o = resolveGuestSetupOptions({ guestUser: user, sshdConfig: config, socketPath: join(socketDir, 'guest'), hostUser: 'root', reload: false });
  assert.equal(printed.stdout, guestUndoScript(o));

  const undone = await cli(['setup-guest', '--undo', ...args(user, config)]);
  assert.equal(undone.code, 0, undone.stdout + undone.stderr);
  assert.equal(readFileSync(config, 'utf8'), original, 'sshd_config is not what it was before the setup');
  assert.equal(statSync(config).mode & 0o7777, 0o640, 'the mode of sshd_config changed');
  assert.match(undone.stdout, /restored .* as it was before the setup/);
  assert.ok(!existsSync(config + '.guest-broadcast.bak'), 'the backup is still there');
  assert.ok(!existsSync(wrapper), 'the wrapper is still there');
  assert.ok(!existsSync(socketDir), 'the socket folder is still there');
  assert.equal(await getentPasswd(user), undefined, 'the user is still there');

  const again = await cli(['setup-guest', '--undo', ...args(user, config)]);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.equal(readFileSync(config, 'utf8'), original);
  assert.doesNotMatch(again.stdout, /restored|removed|deleted|locked/);
  assert.match(again.stdout, /holds no Guest Broadcast block/);
});

test('setup-guest --undo after the admin edited sshd_config removes only the block and keeps the edits', { skip }, async () => {
  const user = 'gbundo2';
  const config = join(dir, 'edited_config');
  writeFileSync(config, BASE(join(dir, 'key')) + '\n');
  assert.equal((await cli(['setup-guest', '--apply', ...args(user, config)])).code, 0);
  const withBlock = readFileSync(config, 'utf8');
  writeFileSync(config, '# the admin was here\n' + withBlock + 'PrintMotd no\n');

  const undone = await cli(['setup-guest', '--undo', ...args(user, config)]);
  assert.equal(undone.code, 0, undone.stdout + undone.stderr);
  assert.equal(readFileSync(config, 'utf8'), '# the admin was here\n' + BASE(join(dir, 'key')) + '\nPrintMotd no\n');
  assert.match(undone.stdout, /changed since the setup/);
  // The backup was not used, and it is the only copy of the file from before the setup.
  assert.ok(existsSync(config + '.guest-broadcast.bak'), 'the unused backup was deleted');
  assert.match(undone.stdout, /kept .*guest-broadcast\.bak/);
  execFileSync('/usr/sbin/sshd', ['-t', '-f', config]);
});

test('setup-guest --undo keeps an account that existed before the setup and locks its emptied password', { skip }, async () => {
  const user = 'gbundo3';
  const config = join(dir, 'keep_config');
  writeFileSync(config, BASE(join(dir, 'key')) + '\n');
  removeUser(user);
  execFileSync('useradd', ['--no-create-home', '--shell', '/bin/bash', user]);
  assert.equal((await cli(['setup-guest', '--apply', ...args(user, config)])).code, 0);
  assert.equal(await getentShadowPassword(user), '');

  const undone = await cli(['setup-guest', '--undo', ...args(user, config)]);
  assert.equal(undone.code, 0, undone.stdout + undone.stderr);
  assert.ok(await getentPasswd(user), 'an account that existed before the setup was deleted');
  assert.match((await getentShadowPassword(user)) ?? '', /^!/);
  assert.match(undone.stdout, /kept the user gbundo3 .* locked its empty password/);
});

test('setup-guest --undo for an account the setup never touched leaves its empty password alone', { skip }, async () => {
  const user = 'gbundo6';
  const config = join(dir, 'untouched_config');
  writeFileSync(config, BASE(join(dir, 'key')) + '\n');
  removeUser(user);
  execFileSync('useradd', ['--no-create-home', '--shell', '/bin/sh', user]);
  execFileSync('passwd', ['-d', user], { stdio: 'ignore' });
  assert.equal(await getentShadowPassword(user), '');

  const undone = await cli(['setup-guest', '--undo', ...args(user, config)]);
  assert.equal(undone.code, 0, undone.stdout + undone.stderr);
  assert.equal(await getentShadowPassword(user), '', 'an account with no set-up of ours was locked');
  assert.doesNotMatch(undone.stdout, /locked/);
});

test('setup-guest --undo with broken markers changes nothing and says what to do', { skip }, async () => {
  const user = 'gbundo4';
  const config = join(dir, 'broken_markers_config');
  writeFileSync(config, BASE(join(dir, 'key')) + '\n');
  assert.equal((await cli(['setup-guest', '--apply', ...args(user, config)])).code, 0);
  const broken = readFileSync(config, 'utf8').replace(/^# END guest-broadcast gbundo4\n/m, '') + 'PrintMotd no\n';
  writeFileSync(config, broken);

  const undone = await cli(['setup-guest', '--undo', ...args(user, config)]);
  assert.equal(undone.code, 1);
  assert.match(undone.stderr, /1 BEGIN and 0 END lines for gbundo4 .*delete the Guest Broadcast lines by hand/);
  assert.equal(readFileSync(config, 'utf8'), broken);
  assert.ok(await getentPasswd(user), 'the user went although the undo stopped');
});

test('setup-guest --undo and --apply together is a usage error', async () => {
  const r = await cli(['setup-guest', '--undo', '--apply', '--host-user', 'root']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--undo and --apply do opposite things/);
});

test('setup-guest --undo of a chroot set-up unmounts its pty filesystem, removes its fstab line and the folder it made', { skip }, async () => {
  const user = 'gbundoc';
  const config = join(dir, 'chroot_config');
  const original = BASE(join(dir, 'key')) + '\n';
  writeFileSync(config, original);
  const fstab = join(dir, 'fstab');
  writeFileSync(fstab, '# the machine\'s own lines\nproc /proc proc defaults 0 0');
  const fstabBefore = readFileSync(fstab, 'utf8');
  // sshd accepts a chroot only under root-owned folders nobody else may write: not under /tmp.
  const chrootDir = mkdtempSync('/var/lib/gb-undo-chroot-');
  const pts = join(chrootDir, 'dev', CHROOT_PTS_DIR);
  const o = resolveGuestSetupOptions({ guestUser: user, sshdConfig: config, chrootDir, socketPath: join(chrootDir, 'run', 'gb', 'guest'), hostUser: 'root', reload: false, fstabPath: fstab });
  try {
    const applied = await applyGuestSetup(o);
    assert.equal(applied.exitCode, 0, applied.output);
    assert.ok(isMounted(pts, 'devpts'), 'the setup mounted no pty filesystem');
    assert.match(readFileSync(fstab, 'utf8'), new RegExp(`^devpts ${pts} devpts`, 'm'));

    // The options must name the chroot the set-up used: without it the undo refuses.
    const withoutChroot = await undoGuestSetup(resolveGuestSetupOptions({ guestUser: user, sshdConfig: config, socketPath: join(dir, 'x', 'guest'), hostUser: 'root', reload: false, fstabPath: fstab }));
    assert.equal(withoutChroot.exitCode, 1);
    assert.match(withoutChroot.output, new RegExp(`uses the chroot ${chrootDir}: run the undo with the options of the set-up \\(--chroot ${chrootDir}\\)`));

    const undone = await undoGuestSetup(o);
    assert.equal(undone.exitCode, 0, undone.output);
    assert.ok(!isMounted(pts), 'the pty filesystem is still mounted');
    // The line goes; the rest of fstab is as it was, but for the newline the setup had to end
    // its last line with before adding its own (without it the two lines would run together).
    assert.equal(readFileSync(fstab, 'utf8'), fstabBefore + '\n');
    assert.ok(!existsSync(chrootDir), 'the chroot folder is still there');
    assert.equal(readFileSync(config, 'utf8'), original);
    assert.equal(await getentPasswd(user), undefined);

    const again = await undoGuestSetup(o);
    assert.equal(again.exitCode, 0, again.output);
    assert.doesNotMatch(again.output, /unmounted|removed|deleted/);
  } finally {
    if (isMounted(pts)) execFileSync('umount', [pts]);
    rmSync(chrootDir, { recursive: true, force: true });
  }
});

test('setup-guest --undo refuses while a broadcast runs on the socket, changing nothing', { skip }, async () => {
  const user = 'gbundo5';
  const config = join(dir, 'running_config');
  writeFileSync(config, BASE(join(dir, 'key')) + '\n');
  assert.equal((await cli(['setup-guest', '--apply', ...args(user, config)])).code, 0);
  const withBlock = readFileSync(config, 'utf8');
  const socket = join(dir, `${user}-sock`, 'guest');
  execFileSync('tmux', ['-S', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'broadcast', 'sleep 600']);
  try {
    const refused = await cli(['setup-guest', '--undo', ...args(user, config)]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /a broadcast is running on .*: stop it first \(guest-broadcast stop --mode system --socket /);
    assert.equal(readFileSync(config, 'utf8'), withBlock);
    assert.ok(await getentPasswd(user));
  } finally {
    execFileSync('tmux', ['-S', socket, 'kill-server']);
  }
  assert.equal((await cli(['setup-guest', '--undo', ...args(user, config)])).code, 0);
  assert.equal(await getentPasswd(user), undefined);
});
