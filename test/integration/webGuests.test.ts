// Browser guests on real parts: a real broadcast (embedded mode, real tmux), the browser route on
// a loopback port, and real `ws` clients speaking the page's protocol, rendering what they get in
// @xterm/headless. What a web guest sees must be what a tmux client of its size shows.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KICKED_MESSAGE } from '../../src/host/broadcast';
import { readWebTls } from '../../src/host/web/webOptions';
import { WebRoute } from '../../src/host/web/webRoute';
import { startMode } from '../helpers/broadcastModes';
import { regenerateLinkSecret } from '../../src/host/web/linkSecret';
import { listClients } from '../../src/tmux/clients';
import { boundedTest, runClient, Ssh2Guest, useCleanups } from '../helpers/embeddedFixture';
import { get, slowClient } from '../helpers/rawHttp';
import { PtyClient } from '../helpers/ptyClient';
import { waitFor } from '../helpers/screen';
import { capturePane, typeLine, windowSize } from '../helpers/tmuxFixture';
import { heavyScreenCommand, startWeb, stubAssetDir, WebFixture, WebGuestClient, watchingGuest } from '../helpers/webFixture';

const test = boundedTest;
const { list: cleanups, track } = useCleanups();

async function fixture(...args: Parameters<typeof startWeb>): Promise<WebFixture> {
  const fx = await startWeb(...args);
  cleanups.push(() => fx.cleanup());
  return fx;
}

/** The host's own read-write client, sizing the window as in real use. */
async function hostClient(fx: WebFixture, cols = 100, rows = 30): Promise<void> {
  track(new PtyClient(fx.embedded.broadcast.hostAttachArgv, { cols, rows }));
  await waitFor('the host client', async () => (await listClients(fx.embedded.sock.tmux)).some((c) => !c.readOnly));
}

function web(g: WebGuestClient): WebGuestClient {
  cleanups.push(() => g.close());
  return g;
}

/** The web guest's screen equals the host pane's (same size): the rows tmux shows above its status line. */
async function matchesHostPane(fx: WebFixture, g: WebGuestClient, rows: number): Promise<void> {
  let last = '';
  await waitFor(
    "the web guest's screen to match the host's pane",
    async () => {
      const pane = (await capturePane(fx.embedded.sock.tmux, 'broadcast')).map((l) => l.trimEnd());
      const seen = (await g.lines()).slice(0, rows - 1).map((l) => l.trimEnd());
      while (pane.length < seen.length) pane.push('');
      last = `${seen.join('\n')}\n----- host pane -----\n${pane.join('\n')}`;
      return JSON.stringify(seen) === JSON.stringify(pane.slice(0, seen.length));
    },
    20_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${last}`);
  });
}

test('a web guest sees the host screen with its colours, is listed as a browser guest, and a late joiner sees the full screen', async () => {
  const fx = await fixture();
  await hostClient(fx, 100, 30);
  await typeLine(fx.embedded.sock.tmux, 'broadcast', `printf '\\033[31mred-marker\\033[0m %d\\n' $((6*7))`);
  const early = web(await watchingGuest(fx, 100, 30));
  const hello = await early.waitForMessage('hello');
  assert.equal(hello.passphrase, 'none');
  assert.equal(hello.session, 'broadcast');
  await early.waitForText('red-marker 42');
  // The colour arrived as a colour, not as text.
  const row = early.screen.lines().findIndex((l) => l.startsWith('red-marker'));
  const cell = early.screen.term.buffer.active.getLine(row)?.getCell(0);
  assert.equal(cell?.getFgColor(), 1, 'red foreground');
  const [listed] = fx.route.guestList();
  assert.equal(listed.route, 'web');
  assert.match(listed.address ?? '', /^127\.0\.0\.1:\d+$/);
  assert.deepEqual([listed.cols, listed.rows], [100, 30]);
  await early.waitForMessage('hostSize');

  await typeLine(fx.embedded.sock.tmux, 'broadcast', 'seq 1 60; echo late-$((40+2))');
  const late = web(await watchingGuest(fx, 100, 30));
  await late.waitForText('late-42');
  await matchesHostPane(fx, late, 30);
  await matchesHostPane(fx, early, 30);
  assert.deepEqual(fx.route.sizeGroups().map((g) => `${g.cols}x${g.rows}:${g.viewers}`), ['100x30:2'], 'one tmux client for both');
});

test("web guests of other sizes never change the host's window size, and a resize moves a guest to its new size", async () => {
  const fx = await fixture();
  await hostClient(fx, 100, 30);
  const before = await windowSize(fx.embedded.sock.tmux, 'broadcast');
  const small = web(await watchingGuest(fx, 40, 10));
  const big = web(await watchingGuest(fx, 200, 60));
  await typeLine(fx.embedded.sock.tmux, 'broadcast', 'echo sizes-$((1+1))');
  await small.waitForText('sizes-2');
  await big.waitForText('sizes-2');
  assert.deepEqual(await windowSize(fx.embedded.sock.tmux, 'broadcast'), before);
  const out = await fx.embedded.sock.tmux.run(['display', '-p', '-t', 'broadcast', '#{window_width}x#{window_height}']);
  assert.equal(out.trim(), `${before.cols}x${before.rows}`);

  small.size(60, 20);
  await waitFor('the guest to move to 60x20', () => fx.route.guestList().some((g) => g.cols === 60 && g.rows === 20));
  await typeLine(fx.embedded.sock.tmux, 'broadcast', 'echo moved-$((2+1))');
  await small.waitForText('moved-3');
  assert.deepEqual(await windowSize(fx.embedded.sock.tmux, 'broadcast'), before);
  assert.deepEqual(fx.route.sizeGroups().map((g) => `${g.cols}x${g.rows}`).sort(), ['200x60', '60x20']);
});

test('beyond the size-group cap a web guest is told which size it is shown', async () => {
  const fx = await fixture({ maxSizeGroups: 1 });
  await hostClient(fx);
  web(await watchingGuest(fx, 100, 30));
  const capped = web(await watchingGuest(fx, 50, 20));
  const notice = await capped.waitForMessage('notice');
  assert.match(notice.text, /you see it at 100x30/);
  assert.equal(fx.route.sizeGroups().length, 1);
});

test('kick: the page is told it was ended by the host, the socket closes, and the guest leaves the list', async () => {
  const fx = await fixture();
  await hostClient(fx);
  const g = web(await watchingGuest(fx));
  const name = fx.route.guestList()[0].name;
  assert.equal(await fx.route.kick(name, KICKED_MESSAGE), true);
  const end = await g.waitForMessage('end');
  assert.deepEqual(end, { type: 'end', reason: 'kicked', message: KICKED_MESSAGE });
  await g.waitClosed();
  assert.equal(g.closeCode, 1000);
  await waitFor('the list to be empty', () => fx.route.guestList().length === 0);
  assert.equal(await fx.route.kick('web-999', KICKED_MESSAGE), false);
});

test("stop: every page is told the broadcast stopped; a lost broadcast says 'lost' (the page then reconnects)", async () => {
  const fx = await fixture();
  await hostClient(fx);
  const a = web(await watchingGuest(fx));
  const b = web(await watchingGuest(fx, 90, 25));
  await fx.embedded.broadcast.stop();
  for (const g of [a, b]) {
    assert.deepEqual(await g.waitForMessage('end'), { type: 'end', reason: 'stopped', message: 'Guest Broadcast: the broadcast has ended.' });
    await g.waitClosed();
  }
  const lostFx = await fixture();
  await hostClient(lostFx);
  const c = web(await watchingGuest(lostFx));
  // What a VS Code window closing does: this process stops serving, the broadcast lives on.
  lostFx.embedded.broadcast.detach();
  assert.equal((await c.waitForMessage('end')).reason, 'lost');
});

test('a stalled socket is resynchronised: its screen ends as the host pane, while others stay live', async () => {
  const fx = await fixture();
  await hostClient(fx, 120, 36);
  const heavy = heavyScreenCommand(fx.embedded.sock.dir);
  const stalled = web(await watchingGuest(fx, 120, 36));
  const stalledName = fx.route.guestList()[0].name;
  const other = web(await watchingGuest(fx, 120, 36));
  // The client's TCP socket stops reading: the kernel buffers fill, then the host's queue.
  const socket = (stalled.ws as unknown as { _socket: import('node:net').Socket })._socket;
  const snapshotsBefore = fx.route.flow().find((f) => f.name === stalledName)?.snapshots ?? 0;
  socket.pause();
  for (let round = 0; round < 100 && !fx.route.flow().find((f) => f.name === stalledName)?.drops; round++) {
    await typeLine(fx.embedded.sock.tmux, 'broadcast', `${heavy}; echo round-${round}`);
    await other.waitForText(`round-${round}`, 20_000);
  }
  const flow = fx.route.flow().find((f) => f.name === stalledName);
  assert.ok(flow && flow.drops > 0, `the stalled guest was dropped: ${JSON.stringify(fx.route.flow())}`);
  await typeLine(fx.embedded.sock.tmux, 'broadcast', 'clear; echo stall-over-$((3*5))');
  await other.waitForText('stall-over-15');
  socket.resume();
  await stalled.waitForText('stall-over-15', 30_000);
  await matchesHostPane(fx, stalled, 36);
  const after = fx.route.flow().find((f) => f.name === stalledName);
  assert.ok(after && after.snapshots > snapshotsBefore, 'resynchronised from a snapshot');
}, { timeoutMs: 180_000 });

test('regenerating the link drops the web guests holding the old one; the new link works', async () => {
  const fx = await fixture();
  await hostClient(fx);
  const g = web(await watchingGuest(fx));
  const oldUrl = fx.socketUrl;
  const secret = regenerateLinkSecret(fx.embedded.stateDir);
  const end = await g.waitForMessage('end');
  assert.equal(end.reason, 'refused');
  assert.match(end.message, /new link/);
  await g.waitClosed();
  const refused = new WebGuestClient(oldUrl);
  await assert.rejects(refused.opened, /HTTP 404/);
  assert.ok(fx.route.url.includes(`/w/${secret}/`));
  const fresh = web(new WebGuestClient(`ws://127.0.0.1:${fx.route.port}/w/${secret}/socket`));
  await fresh.opened;
  fresh.size(80, 24);
  await waitFor('the new guest to be listed', () => fx.route.guestList().length === 1);
});

test('web and SSH guests watch the same broadcast at once', async () => {
  const fx = await fixture();
  await hostClient(fx);
  const ssh = track(new Ssh2Guest());
  await ssh.connect(fx.embedded.port);
  await ssh.shell(80, 24);
  const g = web(await watchingGuest(fx, 80, 24));
  await typeLine(fx.embedded.sock.tmux, 'broadcast', 'echo both-$((20+2))');
  await ssh.waitForText('both-22');
  await g.waitForText('both-22');
  assert.equal(fx.embedded.server.guests().length, 1);
  assert.equal(fx.route.guestList().length, 1);
  // One fan-out per broadcast: an SSH guest and a browser guest of one size share a tmux client.
  assert.deepEqual(fx.route.sizeGroups().map((x) => `${x.cols}x${x.rows}:${x.viewers}`), ['80x24:2']);
  await waitFor('the broadcast to list both', () => fx.embedded.broadcast.guests.length === 2);
  assert.deepEqual(fx.embedded.broadcast.guests.map((x) => x.route ?? 'ssh').sort(), ['ssh', 'web']);
});

test('--max-viewers counts SSH and browser guests together', async () => {
  const fx = await fixture({}, {}, { maxViewers: 2 });
  await hostClient(fx);
  const ssh = track(new Ssh2Guest());
  await ssh.connect(fx.embedded.port);
  await ssh.shell(80, 24);
  web(await watchingGuest(fx));
  const third = web(new WebGuestClient(fx.socketUrl));
  await third.opened;
  const end = await third.waitForMessage('end');
  assert.equal(end.reason, 'refused');
  assert.match(end.message, /already has 2 viewers/);
  const sshThird = track(new Ssh2Guest());
  await assert.rejects(sshThird.connect(fx.embedded.port));
});

test('with a certificate and key the route serves https and wss; plain http on its port gets nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gb-tls-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = await runClient(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert]);
  assert.equal(made.code, 0, made.stderr);
  const fx = await fixture({ tls: readWebTls(cert, key), headersTimeoutMs: 2000 });
  await hostClient(fx);
  assert.match(fx.route.url, /^https:\/\/127\.0\.0\.1:\d+\/w\/[A-Za-z0-9_-]{22}\/$/);
  const ca = readFileSync(cert);
  const page = await new Promise<{ status: number; csp: string }>((resolve, reject) => {
    httpsGet(fx.route.url, { ca }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, csp: String(res.headers['content-security-policy']) });
    }).on('error', reject);
  });
  assert.equal(page.status, 200);
  assert.match(page.csp, /default-src 'none'/);
  const wssUrl = fx.route.url.replace(/^https/, 'wss') + 'socket';
  const g = web(new WebGuestClient(wssUrl, { origin: new URL(fx.route.url).origin, tls: { ca } }));
  await g.opened;
  g.size(80, 24);
  await typeLine(fx.embedded.sock.tmux, 'broadcast', 'echo over-tls-$((2*3))');
  await g.waitForText('over-tls-6');
  const plain = await get(fx.route.port, fx.pagePath).catch(() => ({ status: 0 }));
  assert.notEqual(plain.status, 200, 'no page over plain http');
  // A connection that never starts its TLS handshake is cut like slow headers.
  const silent = slowClient(fx.route.port, '');
  await Promise.race([silent.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('a silent TLS connection was never cut')), 20_000))]);
});

test("system mode: the browser route serves beside sshd's guests; its tmux clients are not counted as system guests", async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'gb-web-sys-state-'));
  cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
  const route = new WebRoute({ listen: '127.0.0.1:0', stateDir, access: 'open', assetDir: stubAssetDir() });
  const fx = await startMode('system', { moreRoutes: [route] });
  cleanups.push(() => fx.cleanup());
  const g = web(new WebGuestClient(`ws://127.0.0.1:${route.port}${new URL(route.url).pathname}socket`, { cols: 80, rows: 24 }));
  await g.opened;
  g.size(80, 24);
  await typeLine(fx.tmux, 'broadcast', 'echo system-and-web-$((3*3))');
  await g.waitForText('system-and-web-9');
  await waitFor('the broadcast to list the browser guest', () => fx.broadcast.guests.length === 1);
  assert.equal(fx.broadcast.guests[0].route, 'web', JSON.stringify(fx.broadcast.guests));
  assert.equal((await fx.route.guests()).length, 0, "the fan-out's tmux client is not an sshd guest");
  assert.equal(fx.broadcast.status().web?.url, route.url);
});
