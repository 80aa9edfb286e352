// The host's half on real tmux: one dedicated server with one session, read-only guests that
// cannot type, switch sessions or resize, the viewer list, the fixup for another Unix user,
// and stop telling every guest.
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Broadcast } from '../../src/host/broadcast';
import { readBroadcastStatus } from '../../src/host/statusReader';
import { guestAttachArgv } from '../../src/tmux/attach';
import { listClients } from '../../src/tmux/clients';
import { PtyClient, isRoot } from '../helpers/ptyClient';
import { waitFor } from '../helpers/screen';
import { withSecondSession } from '../helpers/secondSession';
import { capturePane, tempSocket, TEST_SHELL, typeLine, windowSize } from '../helpers/tmuxFixture';
import { SystemSshRoute } from '../../src/host/routes/systemSshRoute';

// As root the guest runs as the unprivileged user "nobody", which exercises the real
// permission fixup (server-access + socket modes). Otherwise the guest is this same user.
const GUEST = isRoot ? 'nobody' : '';
const sock = tempSocket();
let broadcast: Broadcast;
const guests: PtyClient[] = [];

function guest(cols: number, rows: number): PtyClient {
  const argv = guestAttachArgv({ socketPath: sock.socketPath, sessionName: 'broadcast' });
  const client = new PtyClient(isRoot ? ['runuser', '-u', GUEST, '--', ...argv] : argv, { cols, rows });
  guests.push(client);
  return client;
}

before(async () => {
  chmodSync(sock.dir, 0o711);
  broadcast = await Broadcast.start({
    routes: [new SystemSshRoute({ guestUser: GUEST || 'guest' })],
    socketPath: sock.socketPath,
    sessionName: 'broadcast',
    command: TEST_SHELL,
    configFile: '/dev/null',
    pollIntervalMs: 200,
  });
});

after(async () => {
  for (const g of guests) g.kill();
  await broadcast?.stop().catch(() => undefined);
  await sock.cleanup();
});

test('start makes a dedicated server holding one session, and starting twice adopts it', async () => {
  assert.equal(broadcast.startedNow, true);
  assert.deepEqual(await sock.tmux.sessionNames(), ['broadcast']);
  const again = await Broadcast.start({ routes: [new SystemSshRoute({ guestUser: GUEST || 'guest' })], socketPath: sock.socketPath, sessionName: 'broadcast', configFile: '/dev/null' });
  assert.equal(again.startedNow, false);
  again.detach();
  assert.deepEqual(await sock.tmux.sessionNames(), ['broadcast']);
});

test('a second session on the broadcast server is killed by the server itself', async () => {
  await sock.tmux.run(['new-session', '-d', '-s', 'secret']);
  assert.deepEqual(await sock.tmux.sessionNames(), ['broadcast']);
});

test('the fixup grants the guest user read-only access', { skip: isRoot ? false : 'needs root (to act as another user)' }, async () => {
  const acl = await sock.tmux.run(['server-access', '-l']);
  assert.match(acl, new RegExp(`^${GUEST} \\(R\\)$`, 'm'));
  assert.ok(broadcast.lastFixup?.applied.some((s) => s.includes('server-access')));
});

test('a guest sees the host screen, cannot type into it, and is listed', async () => {
  const viewersSeen = new Promise<number>((resolve) => broadcast.on('guests', (v) => v.length === 1 && resolve(v.length)));
  await typeLine(sock.tmux, 'broadcast', 'echo hello-from-host');
  const g = guest(100, 30);
  await g.waitForText('hello-from-host');

  g.type('echo typed-by-guest\r');
  g.type('\x1b[200~echo pasted-by-guest\r\x1b[201~');
  g.type('\x02)'); // C-b ) : next session
  g.type('\x02('); // C-b ( : previous session
  g.type('\x02L'); // C-b L : last session
  g.type('\x1b[<0;5;5M'); // mouse press
  // The canary instead of a sleep: the host's next line must run alone, so nothing the guest
  // typed is pending in the input line, and the guest sees it (it is still attached).
  await typeLine(sock.tmux, 'broadcast', 'echo canary-$((3*7))');
  await g.waitForText('canary-21');
  const pane = (await capturePane(sock.tmux, 'broadcast')).join('\n');
  assert.ok(pane.includes('host$ echo canary-$((3*7))\ncanary-21'), `the host's line did not run alone:\n${pane}`);
  assert.ok(!pane.includes('typed-by-guest') && !pane.includes('pasted-by-guest'), pane);
  assert.deepEqual(await sock.tmux.sessionNames(), ['broadcast']);
  assert.deepEqual((await listClients(sock.tmux)).map((c) => c.session), ['broadcast']);

  assert.equal(await viewersSeen, 1);
  const status = await readBroadcastStatus('system', sock.socketPath);
  assert.equal(status.broadcasting, true);
  assert.equal(status.viewers.length, 1);
  assert.equal(status.viewers[0].cols, 100);
  assert.equal(status.viewers[0].user, isRoot ? GUEST : status.viewers[0].user);
});

test('a guest cannot stay in another session: switching to one detaches it at once', async () => {
  const g = guest(80, 24);
  await g.waitForText('canary-21');
  // A second session that got past the server's kill-at-creation hook (see the helper): the
  // read-only client may switch to it (tmux allows that), and the detach hook answers the switch.
  await withSecondSession(sock.tmux, 'broadcast', async () => {
    // C-b ) : next session, again each second until it lands (a prefix typed while the terminal
    // still answers tmux's queries on attach can be eaten by the answer).
    await waitFor('the switch to land and the guest to be detached', () => g.exitCode !== undefined || void g.type('\x02)'), 15_000, 1000);
    assert.equal(g.exitCode, 0);
    assert.match(g.output, /\[detached \(from session second\)\]/);
    assert.deepEqual((await listClients(sock.tmux)).filter((c) => c.session === 'second'), []);
  });
  assert.deepEqual(await sock.tmux.sessionNames(), ['broadcast']);
});

test("guests bigger and smaller than the host's window do not resize it", async () => {
  const before = await windowSize(sock.tmux, 'broadcast');
  // The host's own client is what sizes the window; attach one at 120x34 for this test.
  const host = new PtyClient(broadcast.hostAttachArgv, { cols: 120, rows: 34 });
  guests.push(host);
  await waitFor('the host client to size the window', async () => (await windowSize(sock.tmux, 'broadcast')).cols === 120);
  const big = guest(200, 60);
  const small = guest(40, 10);
  await big.waitForText('hello-from-host');
  small.resize(30, 8);
  big.resize(250, 70);
  // Only once tmux reports both guests at their new sizes has the resize reached it.
  await waitFor('tmux to report the guests at 250x70 and 30x8', async () => {
    const sizes = (await listClients(sock.tmux)).filter((c) => c.readOnly).map((c) => `${c.cols}x${c.rows}`);
    return sizes.includes('250x70') && sizes.includes('30x8');
  });
  assert.deepEqual(await windowSize(sock.tmux, 'broadcast'), { cols: 120, rows: 33 });
  host.kill();
  big.kill();
  small.kill();
  assert.ok(before.cols > 0);
});

test('stop tells every guest the broadcast ended and removes the server', async () => {
  const g = guest(80, 24);
  await g.waitForText('hello-from-host');
  const ended = new Promise<string>((resolve) => broadcast.once('ended', resolve));
  await broadcast.stop();
  assert.equal(await ended, 'stopped');
  await g.waitForText('the broadcast has ended');
  assert.equal(await sock.tmux.serverPid(), undefined);
  const status = await readBroadcastStatus('system', sock.socketPath);
  assert.equal(status.broadcasting, false);
});

test('a new start after a stop works and re-applies the fixup', async () => {
  broadcast = await Broadcast.start({ routes: [new SystemSshRoute({ guestUser: GUEST || 'guest' })], socketPath: sock.socketPath, sessionName: 'broadcast', command: TEST_SHELL, configFile: '/dev/null' });
  assert.equal(broadcast.startedNow, true);
  const g = guest(80, 24);
  await typeLine(sock.tmux, 'broadcast', 'echo second-run');
  await g.waitForText('second-run');
});
