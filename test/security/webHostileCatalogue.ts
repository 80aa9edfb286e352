// Security catalogue, browser route ("web: …"): every way a browser (or anything speaking HTTP)
// may try to get past "watch with the link". Each case runs against a real broadcast with a
// bystander web guest watching, and ends by checking the host is unaffected: the bystander still
// sees live output, the host's pane shows nothing a hostile client sent, its window size holds.
// runWebCatalogue('host') attacks the host's own browser route (webGuests.test.ts);
// runWebCatalogue('relay') the same page and socket served by a relay (`relay --web`, the host's
// serving code fed from NATS: webGuests.relay.test.ts), with the same assertions on the host.
import assert from 'node:assert/strict';
import { Socket } from 'node:net';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { regeneratePassphrase } from '../../src/host/embedded/passphrase';
import { WebRouteOptions } from '../../src/host/web/webOptions';
import { listClients } from '../../src/tmux/clients';
import { boundedTest, useCleanups } from '../helpers/embeddedFixture';
import { PtyClient } from '../helpers/ptyClient';
import { get, rawRequest, slowClient } from '../helpers/rawHttp';
import { waitFor } from '../helpers/screen';
import { capturePane, typeLine, windowSize } from '../helpers/tmuxFixture';
import { randomId } from '../../src/host/relay/relayId';
import { heavyScreenCommand, startWeb, stubAssetDir, WebGuestClient } from '../helpers/webFixture';
import { startRelayMode } from '../helpers/relayMode';
import type { Tmux } from '../../src/tmux/tmux';

/**
 * What a case attacks, in the shape of the host's WebFixture (so one case text serves both): where
 * the page and socket are, who watches (the route's, or the relay's, list), and the host's tmux.
 */
interface WebTarget {
  socketUrl: string;
  /** "/w/SECRET/" (a relay: "/w/<broadcast-id>/"). */
  pagePath: string;
  route: {
    guestList(): Array<{ name: string }>;
    sizeGroups(): Array<{ cols: number; rows: number }>;
    flow(): Array<{ name: string; drops: number; maxBuffered: number }>;
  };
  embedded: { sock: { tmux: Tmux; dir: string }; stateDir: string; broadcast: { hostAttachArgv: string[] } };
  cleanup(): Promise<void>;
}

type TargetOptions = Partial<Pick<WebRouteOptions, 'headersTimeoutMs' | 'requestTimeoutMs' | 'handshakeTimeoutMs' | 'maxConnectionsPerAddress'>>;

/** The same broadcast seen through a relay's browser side: a host with only the relay route, and a relay with --web. */
async function relayTarget(options: TargetOptions): Promise<{ target: WebTarget; port: number }> {
  // A random id, as a host makes it (128 bits): the page must not carry it (the CSP case checks).
  const id = randomId();
  const fx = await startRelayMode({
    id,
    maxPerAddress: options.maxConnectionsPerAddress ?? 50,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 2000,
    web: { assetDir: stubAssetDir(), headersTimeoutMs: options.headersTimeoutMs, requestTimeoutMs: options.requestTimeoutMs },
  });
  const web = fx.relay.running.web!;
  const port = web.address.port;
  const pagePath = `/w/${id}/`;
  const relayGroups = (): Array<{ cols: number; rows: number }> => fx.relay.running.server.groups(id);
  return {
    port,
    target: {
      socketUrl: `ws://127.0.0.1:${port}${pagePath}socket`,
      pagePath,
      route: { guestList: () => web.guestList(id), sizeGroups: relayGroups, flow: () => web.flow() },
      // The host's own client is attached by startRelayMode (100x30, as hostile() attaches one).
      embedded: { sock: { tmux: fx.tmux, dir: fx.dir }, stateDir: '', broadcast: { hostAttachArgv: [] } },
      cleanup: () => fx.cleanup(),
    },
  };
}

export function runWebCatalogue(kind: 'host' | 'relay'): void {
const prefix = kind === 'relay' ? 'relay: ' : '';
const test = (name: string, fn: () => Promise<void>): void => boundedTest(prefix + name, fn);
const { list: cleanups, track } = useCleanups();
/** What a hostile client tries to get typed; the host's pane must never show it. */
const PAYLOAD = 'echo PWNED-$((6*7))';

interface Hostile {
  fx: WebTarget;
  bystander: WebGuestClient;
  port: number;
}

let round = 0;

async function hostile(options: TargetOptions = {}): Promise<Hostile> {
  const given = { headersTimeoutMs: 2000, requestTimeoutMs: 3000, handshakeTimeoutMs: 2000, ...options };
  let fx: WebTarget;
  let port: number;
  if (kind === 'relay') {
    ({ target: fx, port } = await relayTarget(given));
    cleanups.push(() => fx.cleanup());
  } else {
    const web = await startWeb(given);
    fx = web;
    port = web.route.port;
    cleanups.push(() => fx.cleanup());
    track(new PtyClient(fx.embedded.broadcast.hostAttachArgv, { cols: 100, rows: 30 }));
  }
  await waitFor('the host client', async () => (await listClients(fx.embedded.sock.tmux)).some((c) => !c.readOnly));
  const bystander = await client(fx);
  bystander.size(100, 30);
  await waitFor('the bystander to watch', () => fx.route.guestList().length === 1);
  return { fx, bystander, port };
}

const passphrases = new Map<WebTarget, string>();

async function client(fx: WebTarget, url = fx.socketUrl, options: ConstructorParameters<typeof WebGuestClient>[1] = {}): Promise<WebGuestClient> {
  const g = new WebGuestClient(url, options);
  cleanups.push(() => g.close());
  await g.opened;
  return g;
}

/** The host's session is as it was: live for the bystander, nothing typed, same window size. */
async function hostUnaffected(h: Hostile): Promise<void> {
  const marker = `still-live-${++round}-$((2*21))`;
  await typeLine(h.fx.embedded.sock.tmux, 'broadcast', `echo ${marker}`);
  await h.bystander.waitForText(`still-live-${round}-42`);
  const pane = (await capturePane(h.fx.embedded.sock.tmux, 'broadcast')).join('\n');
  assert.ok(!pane.includes('PWNED'), `nothing a hostile client sent reached the host's pane:\n${pane}`);
  assert.deepEqual(await windowSize(h.fx.embedded.sock.tmux, 'broadcast'), { cols: 100, rows: 29 });
}

/** Sends one hostile message on a socket that is watching, and expects it closed with `code`. */
async function closedBy(h: Hostile, send: (g: WebGuestClient) => void, code: number, reason?: RegExp): Promise<void> {
  const g = await client(h.fx);
  g.size(80, 24);
  await waitFor('the guest to watch', () => h.fx.route.guestList().length === 2);
  send(g);
  await g.waitClosed();
  assert.equal(g.closeCode, code, `closed with ${code} (got ${g.closeCode} "${g.closeReason}")`);
  if (reason) assert.match(g.closeReason, reason);
  await waitFor('the guest to leave the list', () => h.fx.route.guestList().length === 1);
}

// Not through a relay: a relay's links are broadcast ids, not a per-host secret, and an unknown id
// is told so (as `ssh ID@RELAY` is told "no broadcast ID"): relayWeb.test.ts checks that 404.
if (kind === 'host') test('web: a missing or wrong secret gets the same 404 as a path that never existed, for the page and the socket', async () => {
  const h = await hostile();
  const secret = h.fx.pagePath.split('/')[2];
  const wrong = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
  const unknown = await get(h.port, '/nothing-here');
  assert.equal(unknown.status, 404);
  for (const path of ['/', '/w/', `/w/${wrong}/`, `/w/${wrong}`, `/w/${wrong}/socket`, `/w/${wrong}/stream`, `/w/${secret.slice(0, 10)}/`, `/w/${secret}x/`, `/W/${secret}/`]) {
    const answer = await get(h.port, path);
    assert.equal(answer.status, 404, path);
    assert.deepEqual(answer.body, unknown.body, `${path}: the same body as an unknown path`);
    assert.equal(answer.headers['content-length'], unknown.headers['content-length']);
  }
  assert.equal((await get(h.port, h.fx.pagePath)).status, 200, 'the right secret opens the page');
  for (const url of [`ws://127.0.0.1:${h.port}/w/${wrong}/socket`, `ws://127.0.0.1:${h.port}/w//socket`, `ws://127.0.0.1:${h.port}/socket`]) {
    const g = new WebGuestClient(url);
    cleanups.push(() => g.close());
    await assert.rejects(g.opened, /HTTP 404/, url);
  }
  await hostUnaffected(h);
});

test("web: the page's socket refuses another site's Origin, and a missing one", async () => {
  const h = await hostile();
  for (const origin of [null, 'null', 'http://evil.example', `http://127.0.0.1:${h.port + 1}`, `https://127.0.0.1:${h.port}`, `http://localhost:${h.port}`, `http://127.0.0.1:${h.port}/path`]) {
    const g = new WebGuestClient(h.fx.socketUrl, { origin });
    cleanups.push(() => g.close());
    await assert.rejects(g.opened, /HTTP 403/, `Origin ${origin}`);
  }
  assert.equal(h.fx.route.guestList().length, 1);
  await hostUnaffected(h);
});

test('web: a binary frame closes the socket (policy violation)', async () => {
  const h = await hostile();
  await closedBy(h, (g) => g.ws.send(Buffer.from(`${PAYLOAD}\r`), { binary: true }), 1008, /binary/);
  await hostUnaffected(h);
});

test('web: an oversized message closes the socket', async () => {
  const h = await hostile();
  // Beyond MAX_PAGE_MESSAGE, ws refuses it while reading (1009: message too big).
  await closedBy(h, (g) => g.send({ type: 'size', cols: 80, rows: 24, pad: 'x'.repeat(4000) }), 1009);
  await closedBy(h, (g) => g.send('x'.repeat(100_000)), 1009);
  await hostUnaffected(h);
});

test('web: garbage, keys and other messages a page may not send close the socket with the reason; nothing reaches the host', async () => {
  const h = await hostile();
  const cases: Array<[unknown, RegExp]> = [
    ['not json at all', /not JSON/],
    ['[1,2,3]', /unknown message type/],
    ['"size"', /not a JSON object/],
    [{ type: 'input', data: `${PAYLOAD}\r` }, /unknown message type/],
    [{ type: 'keys', keys: PAYLOAD }, /unknown message type/],
    [{ type: 'paste', text: `${PAYLOAD}\n` }, /unknown message type/],
    [{ type: 'size', cols: 100_000, rows: 24 }, /size outside the limits/],
    [{ type: 'size', cols: -1, rows: 24 }, /size outside the limits/],
    [{ type: 'size', cols: 80.5, rows: 24 }, /size outside the limits/],
    [{ type: 'size', cols: '80', rows: '24' }, /size outside the limits/],
    [{ type: 'passphrase', value: 'guess' }, /no passphrase was asked for/],
  ];
  for (const [message, reason] of cases) await closedBy(h, (g) => g.send(message), 1008, reason);
  await hostUnaffected(h);
});

test('web: 10,000 tiny messages are cut off, not served', async () => {
  const h = await hostile();
  const g = await client(h.fx);
  g.size(80, 24);
  for (let i = 0; i < 10_000; i++) g.send({ type: 'size', cols: 20 + (i % 50), rows: 10 + (i % 20) });
  await g.waitClosed();
  assert.equal(g.closeCode, 1008);
  assert.match(g.closeReason, /too many messages/);
  // Resizes are applied only once they settle: the flood never made a tmux client per size.
  assert.ok(h.fx.route.sizeGroups().length <= 2, JSON.stringify(h.fx.route.sizeGroups()));
  await hostUnaffected(h);
});

test('web: a client that never reads holds a bounded queue and does not hold up the others', async () => {
  const h = await hostile();
  const g = await client(h.fx);
  g.size(100, 30);
  await waitFor('the reader to watch', () => h.fx.route.guestList().length === 2);
  const name = h.fx.route.guestList()[1].name;
  (g.ws as unknown as { _socket: Socket })._socket.pause();
  const heavy = heavyScreenCommand(h.fx.embedded.sock.dir, 100, 28);
  for (let i = 0; i < 100 && !h.fx.route.flow().find((f) => f.name === name)?.drops; i++) {
    await typeLine(h.fx.embedded.sock.tmux, 'broadcast', `${heavy}; echo burst-${i}`);
    await h.bystander.waitForText(`burst-${i}`, 20_000);
  }
  const flow = h.fx.route.flow().find((f) => f.name === name);
  assert.ok(flow && flow.drops > 0, `the reader fell behind and was skipped: ${JSON.stringify(h.fx.route.flow())}`);
  assert.ok(flow.maxBuffered < 2 * 1024 * 1024, `its queue stayed bounded (${flow.maxBuffered} bytes)`);
  await hostUnaffected(h);
});

test('web: slow or incomplete HTTP requests time out', async () => {
  const h = await hostile();
  const silent = slowClient(h.port, '');
  const partial = slowClient(h.port, `GET ${h.fx.pagePath} HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
  // An upgrade whose headers never end: the socket of a page that never finishes asking.
  const upgrade = slowClient(h.port, `GET ${h.fx.pagePath}socket HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nUpgrade: websocket\r\n`);
  const dribble = slowClient(h.port, 'G');
  const drip = setInterval(() => dribble.socket.write('E'), 500);
  const times = await Promise.race([
    Promise.all([silent.closed, partial.closed, upgrade.closed, dribble.closed]),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a slow request was never cut')), 20_000)),
  ]).finally(() => clearInterval(drip));
  assert.equal(times.length, 4);
  await hostUnaffected(h);
});

test('web: a socket that never says its size (or never gives the passphrase) is closed', async () => {
  const h = await hostile();
  const g = await client(h.fx);
  await g.waitClosed(15_000);
  assert.equal(g.closeCode, 1008);
  const end = g.messages.find((m) => m.type === 'end');
  assert.ok(end && end.type === 'end' && /longer than 2 s/.test(end.message), JSON.stringify(g.messages));
  assert.equal(g.binaryBytes, 0);
  await hostUnaffected(h);
});

test('web: path traversal in /assets (plain and encoded) is refused; only the asset folder is served', async () => {
  const h = await hostile();
  assert.equal((await get(h.port, '/assets/web.js')).status, 200);
  const unknown = await get(h.port, '/nothing-here');
  for (const path of [
    '/assets/../../../../etc/passwd',
    '/assets/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/assets/%252e%252e%252fetc%252fpasswd',
    '/assets/..\\..\\..\\etc\\passwd',
    '/assets/.%00./etc/passwd',
    '/assets/web.js%00.css',
    '/assets/./web.js',
    '/assets//etc/passwd',
    '/assets/',
    '/assets',
    `${h.fx.pagePath}../../etc/passwd`,
    `${h.fx.pagePath}..%2f..%2fetc%2fpasswd`,
    '/assets/..',
    '/assets/.web.js',
  ]) {
    const answer = await get(h.port, path);
    assert.equal(answer.status, 404, path);
    assert.deepEqual(answer.body, unknown.body, path);
    assert.ok(!answer.body.toString('latin1').includes('root:'), path);
  }
  await hostUnaffected(h);
});

test('web: methods other than GET and HEAD are refused', async () => {
  const h = await hostile();
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND']) {
    const answer = await get(h.port, h.fx.pagePath, { 'Content-Length': '0' }, method);
    assert.equal(answer.status, 405, method);
    assert.equal(answer.headers.allow, 'GET, HEAD');
  }
  const head = await get(h.port, h.fx.pagePath, {}, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  // CONNECT is not a method this server proxies for anybody.
  const connect = await rawRequest(h.port, `CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n`);
  assert.notEqual(connect.status, 200);
  await hostUnaffected(h);
});

test('web: many connections from one address are bounded (sockets and watchers)', async () => {
  const h = await hostile({ maxConnectionsPerAddress: 3 });
  // Watchers: the bystander and two more are the address's 3; the next is told why and closed.
  const watchers = [await client(h.fx), await client(h.fx)];
  for (const w of watchers) w.size(80, 24);
  await waitFor('three watchers', () => h.fx.route.guestList().length === 3);
  const over = await client(h.fx);
  const end = await over.waitForMessage('end');
  assert.equal(end.reason, 'refused');
  assert.match(end.message, /too many connections from 127\.0\.0\.1/);
  await over.waitClosed();
  // Plain TCP connections from the address are capped too (3 + 8 for a page's assets).
  const sockets = await Promise.all(
    Array.from({ length: 40 }, () => new Promise<Socket>((resolve) => {
      const s = new Socket();
      s.on('error', () => undefined);
      s.connect(h.port, '127.0.0.1', () => resolve(s));
    })),
  );
  cleanups.push(() => sockets.forEach((s) => s.destroy()));
  await waitFor('the sockets beyond the cap to be closed', () => sockets.filter((s) => s.destroyed || s.readableEnded).length >= 40 - 11 + 3, 10_000).catch(() => undefined);
  const open = sockets.filter((s) => !s.destroyed && !s.readableEnded).length;
  assert.ok(open <= 11, `at most 11 TCP connections from one address (open: ${open})`);
  for (const s of sockets) s.destroy();
  await hostUnaffected(h);
});

test('web: the page and assets carry a strict CSP and the privacy headers; assets are compressed and cached by ETag', async () => {
  const h = await hostile();
  const page = await get(h.port, h.fx.pagePath);
  assert.equal(page.status, 200);
  const csp = page.headers['content-security-policy'];
  const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
  assert.ok(nonce, csp);
  for (const directive of ["default-src 'none'", `style-src 'nonce-${nonce}'`, "connect-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'"]) {
    assert.ok(csp.split('; ').includes(directive), `${directive} in ${csp}`);
  }
  assert.ok(!csp.includes('unsafe'), csp);
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  assert.equal(page.headers['cache-control'], 'no-store');
  const html = page.body.toString('utf8');
  assert.ok(html.includes(`<script nonce="${nonce}" src="/assets/web.js">`), html);
  assert.ok(!html.includes(h.fx.pagePath.split('/')[2]), 'the secret is not written into the page');
  const again = await get(h.port, h.fx.pagePath);
  assert.notEqual(/nonce-([^']+)/.exec(again.headers['content-security-policy'])?.[1], nonce, 'a fresh nonce per response');

  const plain = await get(h.port, '/assets/web.js');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.headers['x-content-type-options'], 'nosniff');
  assert.match(plain.headers['content-type'], /^text\/javascript/);
  const gz = await get(h.port, '/assets/web.js', { 'Accept-Encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.deepEqual(gunzipSync(gz.body), plain.body);
  const br = await get(h.port, '/assets/web.js', { 'Accept-Encoding': 'gzip, deflate, br' });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.deepEqual(brotliDecompressSync(br.body), plain.body);
  assert.ok(br.body.length < plain.body.length);
  const etag = plain.headers.etag;
  assert.match(etag, /^"[A-Za-z0-9_-]+"$/);
  const cached = await get(h.port, '/assets/web.js', { 'If-None-Match': etag });
  assert.equal(cached.status, 304);
  assert.equal(cached.body.length, 0);
  assert.equal((await get(h.port, '/assets/web.js', { 'If-None-Match': '"other"' })).status, 200);
  const missing = await get(h.port, '/nothing');
  assert.equal(missing.headers['x-content-type-options'], 'nosniff');
  assert.match(missing.headers['content-security-policy'], /default-src 'none'/);
  await hostUnaffected(h);
});

// Not through a relay here: the relay catalogue's broadcast is open. A relay's page of a password
// broadcast (no screen byte before the passphrase, wrong ones bounded, no live stream) is
// test/integration/relayWebAccess.test.ts.
if (kind === 'host') test('web: with a passphrase, no screen byte is sent before it is given; wrong ones are bounded', async () => {
  const h = await hostileWithPassphrase();
  const g = await client(h.fx);
  const hello = await g.waitForMessage('hello');
  assert.equal(hello.passphrase, 'required');
  assert.equal(hello.host, null);
  g.size(80, 24);
  await typeLine(h.fx.embedded.sock.tmux, 'broadcast', 'echo secret-screen-$((1+1))');
  await h.bystander.waitForText('secret-screen-2');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(g.binaryBytes, 0, 'no screen byte before the passphrase');
  assert.ok(!g.messages.some((m) => m.type === 'hostSize'), 'not even the host size');
  assert.equal(h.fx.route.guestList().length, 1, 'not listed as watching');
  for (let left = 5; left >= 1; left--) {
    const before = g.messages.length;
    g.send({ type: 'passphrase', value: `wrong-${left}` });
    await waitFor('the refusal', () => g.messages.length > before);
    assert.deepEqual(g.messages[g.messages.length - 1], { type: 'passphraseRefused', attemptsLeft: left });
  }
  g.send({ type: 'passphrase', value: 'wrong-last' });
  await g.waitClosed();
  assert.equal(g.closeCode, 1008);
  const end = g.messages.find((m) => m.type === 'end');
  assert.ok(end && end.type === 'end' && end.reason === 'refused' && /too many wrong passphrases/.test(end.message));
  assert.equal(g.binaryBytes, 0);

  const right = await client(h.fx);
  await right.waitForMessage('hello');
  right.send({ type: 'passphrase', value: passphrases.get(h.fx) ?? '' });
  right.size(100, 30);
  await right.waitForText('secret-screen-2');
  assert.ok(right.messages.some((m) => m.type === 'hello' && m.passphrase === 'accepted'));
  await hostUnaffected(h);
});

async function hostileWithPassphrase(): Promise<Hostile> {
  const fx = await startWeb({ access: 'password', headersTimeoutMs: 2000, requestTimeoutMs: 3000 }, {}, { access: 'password' });
  cleanups.push(() => fx.cleanup());
  // Replaced while the route runs: it reads the passphrase at every attempt, as the SSH route does.
  const passphrase = regeneratePassphrase(fx.embedded.stateDir);
  track(new PtyClient(fx.embedded.broadcast.hostAttachArgv, { cols: 100, rows: 30 }));
  await waitFor('the host client', async () => (await listClients(fx.embedded.sock.tmux)).some((c) => !c.readOnly));
  const bystander = await client(fx);
  await bystander.waitForMessage('hello');
  bystander.send({ type: 'passphrase', value: passphrase });
  bystander.size(100, 30);
  await waitFor('the bystander to watch', () => fx.route.guestList().length === 1);
  passphrases.set(fx, passphrase);
  return { fx, bystander, port: fx.route.port };
}
}
