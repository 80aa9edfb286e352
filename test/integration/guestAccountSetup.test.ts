// The setup script applied for real (as root) against temp sshd configs: idempotent, replaces its
// own block, never leaves a config sshd rejects, and the CLI around it (--print, --apply, doctor).
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { applyGuestSetup } from '../../src/host/guestAccount/applySetup';
import { DoctorReport, runDoctor } from '../../src/host/guestAccount/doctor';
import { forceCommandWrapper } from '../../src/host/guestAccount/forceCommandWrapper';
import { findOnPath, GuestSetupOptions, resolveGuestSetupOptions } from '../../src/host/guestAccount/options';
import { guestSetupScript } from '../../src/host/guestAccount/setupScript';
import { countManagedBlocks } from '../../src/host/guestAccount/sshdMatchBlock';
import { getentPasswd, getentShadowPassword } from '../../src/host/guestAccount/systemFacts';
import { isRoot } from '../helpers/ptyClient';

const skip = isRoot ? false : 'needs root';
const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'gb-setup-'));
const BASE = (key: string): string => `# test sshd\nPort 22\nListenAddress 127.0.0.1\nHostKey ${key}\nUsePAM yes\n`;

function options(config: string, extra: Partial<GuestSetupOptions> = {}): GuestSetupOptions {
  return {
    ...resolveGuestSetupOptions({ guestUser: 'guest', socketPath: join(dir, 'sock', 'guest'), sessionName: 'broadcast', sshdConfig: config, wrapperPath: join(dir, 'watch'), hostUser: 'root', reload: false, fstabPath: join(dir, 'fstab') }),
    ...extra,
  };
}

function cli(args: string[], asUser?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const argv = asUser ? ['runuser', '-u', asUser, '--', process.execPath, CLI, ...args] : [process.execPath, CLI, ...args];
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

before(() => {
  chmodSync(dir, 0o755);
  if (isRoot) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')]);
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('applying twice leaves one Match block and changes nothing the second time', { skip }, async () => {
  const config = join(dir, 'twice_config');
  writeFileSync(config, BASE(join(dir, 'key')));
  const o = options(config);

  const first = await applyGuestSetup(o);
  assert.equal(first.exitCode, 0, first.output);
  const afterFirst = readFileSync(config, 'utf8');
  assert.equal(countManagedBlocks(afterFirst, 'guest'), 1);
  assert.ok(afterFirst.startsWith(BASE(join(dir, 'key'))), 'the admin config above the block was changed');
  assert.equal(readFileSync(config + '.guest-broadcast.bak', 'utf8'), BASE(join(dir, 'key')));
  // Applied without a reload (reload: false, as --no-reload): the output says sshd still needs one, and how.
  assert.match(first.output, /sshd was not reloaded \(--no-reload\), so it does not apply the change yet: reload it with: kill -HUP \$\(cat \/\S+\)/);

  const second = await applyGuestSetup(o);
  assert.equal(second.exitCode, 0, second.output);
  assert.equal(readFileSync(config, 'utf8'), afterFirst);
  assert.match(second.output, /already has the Match User guest block/);
  assert.doesNotMatch(second.output, /created the user|emptied the password|set the login shell/);
  assert.doesNotMatch(second.output, /not reloaded/, 'nothing changed, so there is nothing to reload');

  const user = await getentPasswd('guest');
  assert.equal(user?.shell, '/bin/sh');
  assert.equal(await getentShadowPassword('guest'), '');
  assert.equal(readFileSync(o.wrapperPath, 'utf8'), forceCommandWrapper(o));
});

test('re-applying with other options replaces the block, keeping lines added after it', { skip }, async () => {
  const config = join(dir, 'replace_config');
  writeFileSync(config, BASE(join(dir, 'key')));
  assert.equal((await applyGuestSetup(options(config))).exitCode, 0);
  writeFileSync(config, readFileSync(config, 'utf8') + 'PrintMotd no\n');

  const other = options(config, { sessionName: 'other-session' });
  const r = await applyGuestSetup(other);
  assert.equal(r.exitCode, 0, r.output);
  const text = readFileSync(config, 'utf8');
  assert.equal(countManagedBlocks(text, 'guest'), 1);
  assert.match(text, /^PrintMotd no$/m);
  assert.ok(text.indexOf('PrintMotd no') < text.indexOf('# BEGIN guest-broadcast guest'), 'the block is not last');
  assert.match(readFileSync(other.wrapperPath, 'utf8'), /attach-session -r -E -t =other-session$/m);
  execFileSync('/usr/sbin/sshd', ['-t', '-f', config]);
});

test('a config sshd rejects is restored byte for byte and the script fails', { skip }, async () => {
  const config = join(dir, 'broken_config');
  const original = '# no HostKey that exists: sshd -t fails\nHostKey /nonexistent/key\nUsePAM yes\n';
  writeFileSync(config, original);
  const r = await applyGuestSetup(options(config));
  assert.notEqual(r.exitCode, 0);
  assert.match(r.output, /previous .* was restored and sshd was not reloaded/);
  assert.equal(readFileSync(config, 'utf8'), original);
});

test('setup-guest --print shows exactly the script --apply runs', async () => {
  const config = join(dir, 'print_config');
  const r = await cli(['setup-guest', '--print', '--sshd-config', config, '--socket', join(dir, 'sock', 'guest'), '--host-user', 'root', '--no-reload']);
  assert.equal(r.code, 0, r.stderr);
  const o = resolveGuestSetupOptions({ sshdConfig: config, socketPath: join(dir, 'sock', 'guest'), hostUser: 'root', reload: false });
  assert.equal(r.stdout, guestSetupScript(o));
});

test('setup-guest rejects bad input with a clear message', async () => {
  let r = await cli(['setup-guest', '--print', '--guest-user', 'Root;rm', '--host-user', 'root']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /not a valid Unix user name/);
  r = await cli(['setup-guest', '--host-user', 'root']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--print shows the setup script, --apply runs it/);
  r = await cli(['setup-guest', '--print', '--host-user', 'root', '--chroot', '/srv/gb', '--socket', '/var/lib/tmux-sessions/guest']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--socket \/srv\/gb\/var\/lib\/tmux-sessions\/guest/);
});

test('setup-guest --apply as an ordinary user says to rerun it as root, with sudo only where sudo is installed', async () => {
  const r = await cli(['setup-guest', '--apply', '--sshd-config', join(dir, 'x'), '--host-user', 'root'], isRoot ? 'nobody' : undefined);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /needs root: rerun it as root:/);
  const sudo = findOnPath('sudo') !== undefined;
  assert.match(r.stderr, sudo ? /^ {2}sudo guest-broadcast setup-guest --apply/m : /^ {2}su -c 'guest-broadcast setup-guest --apply .*'$/m);
});

test('doctor reports what is missing with a fix, and exits 1', { skip }, async () => {
  const config = join(dir, 'doctor_config');
  writeFileSync(config, BASE(join(dir, 'key')));
  const r = await cli(['doctor', '--json', '--sshd-config', config, '--socket', join(dir, 'nosock', 'guest'), '--host-user', 'root']);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as DoctorReport;
  const byId = new Map(report.checks.map((c) => [c.id, c]));
  assert.equal(byId.get('sshd-config')?.status, 'fail');
  assert.equal(byId.get('sshd-options')?.status, 'fail');
  assert.match(byId.get('sshd-options')?.detail ?? '', /permitemptypasswords is no/);
  // The doctor runs as root here: the fix is written to run as it is (no sudo, which a root-only box lacks).
  assert.match(byId.get('sshd-options')?.fix ?? '', /^guest-broadcast setup-guest --apply .*--sshd-config/);
  assert.equal(byId.get('broadcast')?.status, 'skip');

  const text = await cli(['doctor', '--sshd-config', config, '--socket', join(dir, 'nosock', 'guest'), '--host-user', 'root']);
  assert.match(text.stdout, /^\[FAIL\] sshd options for the guest: /m);
  assert.match(text.stdout, /^ {7}fix: guest-broadcast setup-guest --apply/m);

  const unknown = await runDoctor(resolveGuestSetupOptions({ guestUser: 'gb-no-such-user', sshdConfig: config, hostUser: 'root' }));
  assert.equal(unknown.checks.find((c) => c.id === 'user')?.status, 'fail');
});
