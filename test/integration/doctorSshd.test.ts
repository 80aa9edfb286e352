// The doctor judges the sshd itself, against a real one on a loopback port: running and listening
// where its config says passes; stopped, or the port held by another program, fails with how to
// start it on this machine; a config changed after sshd started asks for a reload.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, utimesSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { undoGuestSetup } from '../../src/host/guestAccount/applySetup';
import { DoctorCheck, DoctorReport } from '../../src/host/guestAccount/doctor';
import { isRoot } from '../helpers/ptyClient';
import { waitFor } from '../helpers/screen';
import { RunningSshd, startSshd } from '../helpers/sshd';
import { CliProcess } from '../helpers/cliProcess';
import { tempSocket, TEST_SHELL } from '../helpers/tmuxFixture';

const skip = isRoot ? false : 'needs root';
const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const sock = tempSocket('gb-doc-');
let sshd: RunningSshd;

function doctor(json: boolean): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = ['doctor', ...(json ? ['--json'] : []), '--guest-user', 'gbdoctor', '--sshd-config', sshd.configPath, '--socket', sock.socketPath, '--host-user', 'root'];
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function sshdCheck(): Promise<{ code: number; check: DoctorCheck | undefined }> {
  const r = await doctor(true);
  const report = JSON.parse(r.stdout) as DoctorReport;
  return { code: r.code, check: report.checks.find((c) => c.id === 'sshd-running') };
}

before(async () => {
  // A guest account of its own: the last test undoes the set-up, user included.
  if (isRoot) sshd = await startSshd({ guestUser: 'gbdoctor', socketPath: sock.socketPath, sessionName: 'broadcast' });
});

after(async () => {
  await sshd?.stop();
  if (isRoot) execFile('userdel', ['gbdoctor'], () => undefined);
  sock.cleanup();
});

test('doctor: a running sshd that listens where its config says passes', { skip }, async () => {
  const { check } = await sshdCheck();
  assert.equal(check?.status, 'ok', JSON.stringify(check));
  assert.match(check?.detail ?? '', new RegExp(`sshd \\(PID \\d+\\) listens on 127\\.0\\.0\\.1:${sshd.port} with ${sshd.configPath}`));
});

// The set-up and the doctor must agree on every option of the Match block: a doctor that wants
// another value than the set-up writes fails on every fresh set-up, and its fix (run the set-up
// again) changes nothing.
test('doctor: the options a fresh setup-guest --apply gives the guest pass the sshd options check', { skip }, async () => {
  const r = await doctor(true);
  const check = (JSON.parse(r.stdout) as DoctorReport).checks.find((c) => c.id === 'sshd-options');
  assert.equal(check?.status, 'ok', JSON.stringify(check));
});

test('doctor: a config changed after sshd started asks for a reload', { skip }, async () => {
  const future = new Date(Date.now() + 60_000);
  utimesSync(sshd.configPath, future, future);
  const { check } = await sshdCheck();
  assert.equal(check?.status, 'warn', JSON.stringify(check));
  assert.match(check?.detail ?? '', /started before .* last changed/);
  // No systemd here and a config of its own: the reload is a SIGHUP to that sshd.
  assert.match(check?.fix ?? '', /^Reload it: kill -HUP \d+$/);
  const past = new Date(Date.now() - 3_600_000);
  utimesSync(sshd.configPath, past, past);
});

test('doctor: sshd not running fails, says how to start it, and does not say guests can watch', { skip }, async () => {
  await sshd.halt();
  const { code, check } = await sshdCheck();
  assert.equal(code, 1);
  assert.equal(check?.status, 'fail', JSON.stringify(check));
  assert.match(check?.detail ?? '', new RegExp(`Nothing listens on 127\\.0\\.0\\.1:${sshd.port}: sshd is not running`));
  assert.ok(!existsSync('/run/systemd/system'), 'this test expects a machine without systemd');
  assert.equal(check?.fix, `Start it: /usr/sbin/sshd -f ${sshd.configPath}`);

  const text = await doctor(false);
  assert.match(text.stdout, /^\[FAIL\] sshd running: Nothing listens/m);
  assert.match(text.stdout, new RegExp(`^ {7}fix: Start it: /usr/sbin/sshd -f ${sshd.configPath}$`, 'm'));
  assert.doesNotMatch(text.stdout, /Guests can watch/);
});

test('doctor: another program on the sshd port fails and names it', { skip }, async () => {
  const server: Server = createServer((s) => s.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(sshd.port, '127.0.0.1', resolve);
  });
  try {
    const { check } = await sshdCheck();
    assert.equal(check?.status, 'fail', JSON.stringify(check));
    assert.match(check?.detail ?? '', new RegExp(`node \\(PID ${process.pid}\\) listens on port ${sshd.port}, not sshd`));
  } finally {
    await new Promise((r) => server.close(r));
  }
  await sshd.restart();
  assert.equal((await sshdCheck()).check?.status, 'ok');
});

// A host started without --guest-user lets only "guest" in, whatever account the set-up made: the
// doctor's "Start one" names the set-up's guest user, and a broadcast serving another guest user is
// named as the problem (a server-access line added by hand would not outlive a tmux restart).
test('doctor: "Start one" names the guest user, and a broadcast started for another guest user fails with the host command to use', { skip }, async () => {
  const broadcastCheck = async (): Promise<DoctorCheck | undefined> => (JSON.parse((await doctor(true)).stdout) as DoctorReport).checks.find((c) => c.id === 'broadcast');
  const idle = await broadcastCheck();
  assert.equal(idle?.status, 'skip', JSON.stringify(idle));
  const hostLine = `guest-broadcast host --mode system --socket ${sock.socketPath} --guest-user gbdoctor`;
  assert.equal(idle?.fix, `Start one: ${hostLine}`);

  const host = new CliProcess(['host', '--mode', 'system', '--socket', sock.socketPath, '--guest-user', 'nobody', '--command', TEST_SHELL, '--tmux-config', '/dev/null']);
  try {
    await host.waitForOutput('Press Ctrl-C to stop the broadcast.');
    const check = await broadcastCheck();
    assert.equal(check?.status, 'fail', JSON.stringify(check));
    assert.match(check?.detail ?? '', /started for the guest user nobody, not gbdoctor/);
    assert.ok(check?.fix?.endsWith(`start it with: ${hostLine}`), JSON.stringify(check));
  } finally {
    host.signal('SIGTERM');
    await host.waitForExit();
  }
});

test('setup-guest --undo reloads the sshd that reads the config (found by its PidFile), and the doctor then finds no block', { skip }, async () => {
  const before = sshd.log().split('Received SIGHUP').length;
  const undone = await undoGuestSetup({ ...sshd.setup, reload: true });
  assert.equal(undone.exitCode, 0, undone.output);
  assert.match(undone.output, new RegExp(`reloaded sshd \\(SIGHUP to the PID in ${sshd.configPath.replace(/sshd_config$/, 'sshd.pid')}\\)`));
  await waitFor('sshd to log the reload', () => sshd.log().split('Received SIGHUP').length > before, 10_000);
  await waitFor('sshd to listen again after its reload', async () => (await sshdCheck()).check?.status === 'ok', 10_000);
  const r = await doctor(true);
  const report = JSON.parse(r.stdout) as DoctorReport;
  assert.equal(report.checks.find((c) => c.id === 'sshd-config')?.status, 'fail');
});
