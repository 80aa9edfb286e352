// System mode end to end on real parts: the guest account made by the generated setup script, a
// real sshd on a loopback port with that Match block, a real broadcast, and guests connecting
// with the OpenSSH client (in a pty) and with ssh2. What a guest receives is rendered by xterm.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Client, ClientChannel } from 'ssh2';
import { Broadcast } from '../../src/host/broadcast';
import { runDoctor } from '../../src/host/guestAccount/doctor';
import { getentPasswd } from '../../src/host/guestAccount/systemFacts';
import { createBroadcastSession } from '../../src/tmux/broadcastSession';
import { listClients } from '../../src/tmux/clients';
import { assertGuestSizeCapped } from '../helpers/guestSize';
import { hostCanary } from '../helpers/hostCanary';
import { isRoot, PtyClient } from '../helpers/ptyClient';
import { Screen, waitFor } from '../helpers/screen';
import { RunningSshd, startSshd } from '../helpers/sshd';
import { capturePane, tempSocket, TEST_SHELL, typeLine } from '../helpers/tmuxFixture';
import { SystemSshRoute } from '../../src/host/routes/systemSshRoute';

const skip = isRoot ? false : 'needs root';
const SESSION = 'broadcast';
const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const sock = tempSocket('gb-sys-');
let sshd: RunningSshd;
let broadcast: Broadcast;
const clients: PtyClient[] = [];
const conns: Client[] = [];

function startBroadcast(): Promise<Broadcast> {
  return Broadcast.start({
    routes: [new SystemSshRoute({ guestUser: 'guest', sshPort: sshd.port })],
    socketPath: sock.socketPath,
    sessionName: SESSION,
    command: TEST_SHELL,
    configFile: '/dev/null',
    pollIntervalMs: 200,
  });
}

/** The real OpenSSH client as the guest, in a pty, with no known_hosts or user config involved. */
function sshGuest(extra: string[] = [], size = { cols: 100, rows: 30 }): PtyClient {
  const argv = ['ssh', '-F', '/dev/null', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-p', String(sshd.port), 'guest@127.0.0.1', ...extra];
  const client = new PtyClient(argv, size);
  clients.push(client);
  return client;
}

/** An ssh2 connection as the guest: no password, host key checked against the test sshd's. */
function ssh2Guest(): Promise<Client> {
  return new Promise((resolve, reject) => {
    const conn = new Client();
    conns.push(conn);
    conn.once('ready', () => resolve(conn));
    conn.once('error', reject);
    conn.connect({
      host: '127.0.0.1',
      port: sshd.port,
      username: 'guest',
      hostVerifier: (key: Buffer) => key.toString('base64') === sshd.hostPublicKey.split(' ')[1],
      readyTimeout: 10_000,
    });
  });
}

function collect(channel: ClientChannel): { text: () => string; closed: Promise<number | undefined> } {
  let out = '';
  channel.on('data', (d: Buffer) => (out += d.toString('utf8')));
  channel.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const closed = new Promise<number | undefined>((resolve) => {
    let code: number | undefined;
    channel.on('exit', (c: number | null) => (code = c ?? undefined));
    channel.on('close', () => resolve(code));
  });
  return { text: () => out, closed };
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', [CLI, ...args], { encoding: 'utf8', timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

before(async () => {
  if (!isRoot) return;
  chmodSync(sock.dir, 0o711); // the guest must traverse the temp folder to reach the socket
  sshd = await startSshd({ guestUser: 'guest', socketPath: sock.socketPath, sessionName: SESSION });
  broadcast = await startBroadcast();
  await typeLine(sock.tmux, SESSION, 'echo hello-from-host');
});

after(async () => {
  for (const c of clients) c.kill();
  for (const c of conns) c.end();
  await broadcast?.stop().catch(() => undefined);
  await sshd?.stop();
  await sock.cleanup();
});

test('an OpenSSH guest logs in with no password and sees the host screen; its keys change nothing', { skip }, async () => {
  const guest = sshGuest();
  await guest.waitForText('hello-from-host');
  const paneBefore = (await capturePane(sock.tmux, SESSION)).join('\n');

  guest.type('echo typed-by-guest\r');
  guest.type('\x1b[200~echo pasted-by-guest\r\x1b[201~');
  guest.type('\x02)'); // C-b ) : next session
  guest.type('\x02:new-session -d -s guest-made\r');
  guest.type('\x02:switch-client -r\r'); // try to make its own client writable again
  guest.type('echo after-switch-client\r');
  guest.type('\x03\x04'); // Ctrl-C, Ctrl-D
  await new Promise((r) => setTimeout(r, 500));
  const pane = (await capturePane(sock.tmux, SESSION)).join('\n');
  assert.equal(pane, paneBefore, 'the host pane changed after guest input');
  assert.deepEqual(await sock.tmux.sessionNames(), [SESSION]);
  assert.equal(guest.exitCode, undefined, 'the guest was disconnected by its own keys');

  // The host's next line runs alone (no guest key was pending), and the guest keeps seeing it.
  const canary = await hostCanary(sock.tmux, SESSION);
  await guest.waitForText(canary);
  const paneAfter = (await capturePane(sock.tmux, SESSION)).join('\n');
  for (const typed of ['typed-by-guest', 'pasted-by-guest', 'after-switch-client']) assert.ok(!paneAfter.includes(typed), `"${typed}" reached the host pane:\n${paneAfter}`);
  assert.deepEqual(await sock.tmux.sessionNames(), [SESSION]);
  guest.kill();
});

// Keys never reach the guest's tmux client (the size relay drops them), so C-b d is no way out:
// a guest leaves as an embedded one does, by closing ssh (README, guest section).
test('an OpenSSH guest leaves with ssh\'s escape (Enter, ~.), and its tmux client goes with it', { skip }, async () => {
  const before = (await listClients(sock.tmux)).map((c) => c.pid);
  const guest = sshGuest();
  await guest.waitForText('hello-from-host');
  const client = await waitFor('the guest\'s tmux client', async () => (await listClients(sock.tmux)).find((c) => c.readOnly && !before.includes(c.pid)));
  guest.type('\r~.');
  await guest.waitForExit();
  await waitFor('the guest\'s tmux client to end', async () => !(await listClients(sock.tmux)).some((c) => c.pid === client!.pid));
});

test('the guest\'s environment cannot steer the relay\'s perl (an sshd that accepts PERL5OPT, a locale nobody has)', { skip }, async () => {
  // As sshd would run the forced command for a guest whose environment it let through.
  const guestIds = (await getentPasswd('guest')) ?? { uid: -1, gid: -1 };
  const guest = new PtyClient(['setpriv', `--reuid=${guestIds.uid}`, `--regid=${guestIds.gid}`, '--clear-groups', 'env', 'PERL5OPT=-Mstrict;print("PERL5OPT-RAN\\n");', 'PERL5LIB=/tmp', 'LANG=xx_XX.UTF-8', '/bin/sh', '-c', sshd.setup.wrapperPath], { cols: 100, rows: 30 });
  await guest.waitForText('hello-from-host');
  assert.ok(!guest.output.includes('PERL5OPT-RAN'), guest.output);
  assert.ok(!/locale/i.test(guest.output), guest.output);
  guest.kill();
  await waitFor('the guest gone', async () => (await sock.tmux.run(['list-clients'])).trim() === '');
});

test("a guest's window is capped before tmux sees it (the size relay in the forced command)", { skip }, async () => {
  const guest = sshGuest();
  await guest.waitForText('hello-from-host');
  await assertGuestSizeCapped(sock.tmux, SESSION, guest);
  await typeLine(sock.tmux, SESSION, 'echo after-the-resizes');
  await guest.waitForText('after-the-resizes');
  guest.kill();
  await waitFor('the guest gone', async () => (await sock.tmux.run(['list-clients'])).trim() === '');
});

test('the viewer count and `status --json` list the ssh guest', { skip }, async () => {
  const guest = sshGuest([], { cols: 90, rows: 25 });
  await guest.waitForText('hello-from-host');
  await waitFor('the broadcast to count the guest', () => broadcast.guests.some((v) => v.user === 'guest'));
  const viewer = broadcast.guests.find((v) => v.user === 'guest');
  assert.equal(viewer?.cols, 90);

  assert.ok(existsSync(CLI), `${CLI} is missing: run node esbuild.mjs first`);
  const r = await cli(['status', '--json', '--socket', sock.socketPath]);
  assert.equal(r.code, 0, r.stderr);
  const status = JSON.parse(r.stdout) as { broadcasting: boolean; mode: string; session: string; watch: string; viewers: Array<{ user: string; cols: number; rows: number }> };
  assert.equal(status.broadcasting, true);
  assert.equal(status.mode, 'system');
  assert.equal(status.session, SESSION);
  assert.match(status.watch, new RegExp(`^ssh -p ${sshd.port} guest@`));
  assert.deepEqual(status.viewers.filter((v) => v.user === 'guest').map((v) => [v.cols, v.rows]), [[90, 25]]);
  guest.kill();
});

test('an ssh2 guest (no password, host key checked) sees the host screen', { skip }, async () => {
  const conn = await ssh2Guest();
  const channel = await new Promise<ClientChannel>((resolve, reject) =>
    conn.shell({ term: 'xterm-256color', cols: 80, rows: 24 }, (err, ch) => (err ? reject(err) : resolve(ch))),
  );
  const screen = new Screen(80, 24);
  channel.on('data', (d: Buffer) => screen.feed(d));
  await waitFor('the host screen in the ssh2 guest', async () => (await screen.settledText()).includes('hello-from-host'));
  channel.write('echo typed-by-ssh2-guest\r');
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(!(await capturePane(sock.tmux, SESSION)).join('\n').includes('typed-by-ssh2-guest'));
  // The host's next line runs alone, the guest sees it, and the guest's line still never arrived.
  const canary = await hostCanary(sock.tmux, SESSION);
  await waitFor('the canary in the ssh2 guest', async () => (await screen.settledText()).includes(canary));
  assert.ok(!(await capturePane(sock.tmux, SESSION)).join('\n').includes('typed-by-ssh2-guest'));
  screen.dispose();
  conn.end();
});

test('the guest cannot get a shell: commands, exec with a pty, sftp and forwarding all lose to ForceCommand', { skip }, async () => {
  // OpenSSH client with a command and no pty: the wrapper refuses, the command never runs.
  const plain = await new Promise<{ code: number; out: string }>((resolve) => {
    execFile(
      'ssh',
      ['-F', '/dev/null', '-T', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes', '-p', String(sshd.port), 'guest@127.0.0.1', 'echo PWNED; id'],
      { encoding: 'utf8', timeout: 15_000 },
      (error, stdout, stderr) => resolve({ code: error && typeof error.code === 'number' ? error.code : 0, out: stdout + stderr }),
    );
  });
  assert.notEqual(plain.code, 0);
  assert.ok(!plain.out.includes('PWNED') && !plain.out.includes('uid='), plain.out);
  assert.match(plain.out, /only shows a live terminal/);

  const conn = await ssh2Guest();
  // exec without a pty: refused by the wrapper.
  const noPty = collect(await new Promise<ClientChannel>((resolve, reject) => conn.exec('echo PWNED', (err, ch) => (err ? reject(err) : resolve(ch)))));
  assert.equal(await noPty.closed, 1);
  assert.ok(!noPty.text().includes('PWNED'), noPty.text());

  // exec with a pty: ForceCommand wins, the guest lands in the read-only broadcast.
  const withPty = await new Promise<ClientChannel>((resolve, reject) => conn.exec('echo PWNED; exec sh', { pty: { term: 'xterm', cols: 80, rows: 24 } }, (err, ch) => (err ? reject(err) : resolve(ch))));
  const screen = new Screen(80, 24);
  withPty.on('data', (d: Buffer) => screen.feed(d));
  await waitFor('the broadcast instead of the command', async () => (await screen.settledText()).includes('hello-from-host'));
  assert.ok(!screen.text().includes('PWNED'));
  screen.dispose();
  withPty.close();
  conn.end();

  // A second connection for sftp and forwarding (a fresh connection).
  const conn2 = await ssh2Guest();
  await assert.rejects(new Promise((resolve, reject) => conn2.sftp((err, sftp) => (err ? reject(err) : resolve(sftp)))));
  await assert.rejects(
    new Promise((resolve, reject) => conn2.forwardOut('127.0.0.1', 0, '127.0.0.1', sshd.port, (err, ch) => (err ? reject(err) : resolve(ch)))),
    /prohibited|denied|failure/i,
  );
  conn2.end();
});

test('the doctor finds every piece in place', { skip }, async () => {
  const report = await runDoctor({ ...sshd.setup });
  const failed = report.checks.filter((c) => c.status !== 'ok');
  assert.deepEqual(failed, [], JSON.stringify(failed, null, 2));
  assert.equal(report.ok, true);
  assert.deepEqual(
    report.checks.map((c) => c.id),
    ['tmux-version', 'user', 'shell', 'password', 'pam-nullok', 'sshd-config', 'sshd-options', 'sshd-running', 'wrapper', 'size-relay', 'socket-path', 'broadcast'],
  );
});

test('after the tmux server restarts, guests are shut out until the fixup runs again', { skip }, async () => {
  const ended = new Promise<string>((resolve) => broadcast.once('ended', resolve));
  await sock.tmux.killServer();
  assert.equal(await ended, 'the tmux server exited');

  // A restarted server: fresh 0600 socket, empty access list.
  await createBroadcastSession(sock.tmux, {
    sessionName: SESSION,
    command: TEST_SHELL,
    configFile: '/dev/null',
    markers: { mode: 'system', session: SESSION, 'guest-user': 'guest', watch: '', listen: '' },
  });
  await typeLine(sock.tmux, SESSION, 'echo after-restart');
  const shutOut = sshGuest();
  await shutOut.waitForText('cannot be watched right now');
  assert.notEqual(await shutOut.waitForExit(), 0);
  assert.ok(!(await shutOut.lines()).join('\n').includes('after-restart'));

  // Broadcast.start adopts the running server and re-applies the fixup.
  broadcast = await startBroadcast();
  assert.equal(broadcast.startedNow, false);
  assert.ok(broadcast.lastFixup?.applied.some((s) => s.startsWith('server-access')), JSON.stringify(broadcast.lastFixup));
  const guest = sshGuest();
  await guest.waitForText('after-restart');
});

test('stop tells the ssh guest the broadcast ended, ends its session and the server', { skip }, async () => {
  const guest = sshGuest();
  await guest.waitForText('after-restart');
  await broadcast.stop();
  await guest.waitForText('the broadcast has ended');
  await guest.waitForExit();
  assert.equal(await sock.tmux.serverPid(), undefined);

  // With nothing broadcast, a guest is told so instead of seeing a tmux error.
  const late = sshGuest();
  await late.waitForText('nothing is being broadcast right now');
  await late.waitForExit();
});
