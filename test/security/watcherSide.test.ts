// The viewer against a hostile or impersonated host: escape sequences that would touch the
// viewer's clipboard, title or links, or make its terminal answer, arrive from a fake host that
// records every byte the viewer sends; huge output completes in bounded pieces; a changed host
// key and a man in the middle on the same port are refused before any login is tried.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerChannel, utils } from 'ssh2';
import { BroadcastMode, MODES, ModeFixture, startMode } from '../helpers/broadcastModes';
import { boundedTest, useCleanups } from '../helpers/embeddedFixture';
import { FakeSshHost, startFakeSshHost } from '../helpers/fakeSshHost';
import { isRoot } from '../helpers/ptyClient';
import { Watcher, screenShows, startWatcher } from '../helpers/watcher';
import { TcpRelay } from '../helpers/tcpRelay';
import { typeLine } from '../helpers/tmuxFixture';
import { generateEd25519KeyPair } from '../../src/host/embedded/ed25519';

const test = (name: string, fn: () => Promise<void>, skip: string | false = false): void => boundedTest(name, fn, { timeoutMs: 90_000, skip });

const root = mkdtempSync(join(tmpdir(), 'gb-sec-viewer-'));
const { list: cleanups } = useCleanups();
// Registered first, so it runs after everything else.
cleanups.push(() => rmSync(root, { recursive: true, force: true }));

const watch = (port: number, options: { knownHostsLine?: string; user?: string } = {}): Watcher => startWatcher(root, cleanups, port, options);

async function fakeHost(greeting: string | ((channel: ServerChannel) => void)): Promise<FakeSshHost> {
  const host = await startFakeSshHost({ offered: ['none', 'password'], acceptPassword: '', greeting });
  cleanups.push(() => host.close());
  return host;
}

/** Writes `total` bytes of `piece` repeated, waiting for the channel to drain, then `tail`. */
async function burst(channel: ServerChannel, piece: string, total: number, tail: string): Promise<void> {
  const block = Buffer.from(piece.repeat(Math.ceil((1 << 20) / piece.length)));
  for (let sent = 0; sent < total; sent += block.length) {
    if (!channel.write(block)) await new Promise((r) => channel.once('drain', r));
  }
  channel.write(tail);
}

test('watcher: OSC 52 clipboard writes and reads never reach the terminal', async () => {
  const host = await fakeHost('a\x1b]52;c;c2VjcmV0\x07b\x1b]52;p;?\x1b\\c\x1b]52;c;\x9c\xc2\x9d52;c;eA==\xc2\x9cd-end\r\n');
  const v = watch(host.port);
  await screenShows(v, 'abc');
  await screenShows(v, 'd-end');
  assert.deepEqual(v.events.filter((e) => e.startsWith('osc52')), []);
  assert.equal(host.inputBytes, 0);
});

test('watcher: OSC 0/1/2 titles never reach the terminal', async () => {
  const host = await fakeHost('x\x1b]0;rm -rf ~\x07\x1b]1;icon\x07\x1b]2;Password required: type it here\x1b\\y-end\r\n');
  const v = watch(host.port);
  await screenShows(v, 'xy-end');
  assert.deepEqual(v.events.filter((e) => e.startsWith('title')), []);
});

test('watcher: OSC 8 hyperlinks never reach the terminal; their text still shows', async () => {
  const links = ['file:///etc/passwd', 'javascript:alert(1)', 'command:workbench.action.terminal.new', 'vscode://ms-vscode.remote/x', 'https://example.com/ok', 'ssh://evil'];
  const host = await fakeHost(links.map((l, i) => `\x1b]8;;${l}\x1b\\link${i}\x1b]8;;\x1b\\ `).join('') + 'links-end\r\n');
  const v = watch(host.port);
  await screenShows(v, 'links-end');
  assert.deepEqual(v.events.filter((e) => e.startsWith('osc8 ')), []);
  for (let i = 0; i < links.length; i++) assert.ok((await v.text()).includes(`link${i}`), 'the link text itself still shows');
});

test('watcher: mouse and focus reporting modes never reach the terminal; the rest of the mode switch does', async () => {
  const host = await fakeHost('\x1b[?1000;1006;25h\x1b[?1004h\x1b[?1003hmodes-end\r\n');
  const v = watch(host.port);
  await screenShows(v, 'modes-end');
  assert.equal(v.screen.term.modes.mouseTrackingMode, 'none');
  assert.equal(v.screen.term.modes.sendFocusMode, false);
  assert.equal(host.inputBytes, 0);
});

test('watcher: DA, DSR, CPR, colour, DECRQSS, XTVERSION, window and DECRQM queries get no reply on the wire', async () => {
  const queries = ['\x1b[c', '\x1b[0c', '\x1b[>c', '\x1b[=c', '\x1b[5n', '\x1b[6n', '\x1b[?6n', '\x1b]10;?\x07', '\x1b]11;?\x1b\\', '\x1b]4;1;?\x07', '\x1b]12;?\x07', '\x1bP$qm\x1b\\', '\x1bP+q544e\x1b\\', '\x1b[>q', '\x1b[>0q', '\x1b[18t', '\x1b[14t', '\x1b[21t', '\x1b[?2004$p', '\x1b[4$p', '\x1b[?u', '\x1bZ', '\u009b6n', '\x1b[1x'];
  const host = await fakeHost(`q${queries.join('')}-end\r\n`);
  const v = watch(host.port);
  await screenShows(v, 'q-end', 15_000);
  await v.until('live');
  await new Promise((r) => setTimeout(r, 300)); // any reply would be on its way by now
  assert.deepEqual(v.events, []);
  assert.equal(host.inputBytes, 0, 'the viewer sent bytes to the host');
  // The canary: a round trip with the viewer, behind which any reply still on its way arrives.
  await host.roundTrip();
  assert.equal(host.inputBytes, 0, 'the viewer sent bytes to the host (they arrived after the wait)');
  assert.equal(v.states.at(-1)?.kind, 'live', 'the viewer is still connected after the round trip');
});

test('watcher: an enormous single line (16 MB, no newline) completes, in bounded pieces, with the right final screen', async () => {
  const host = await fakeHost((channel) => void burst(channel, 'abcdefghij', 16 << 20, '\x1b[2J\x1b[Hline-end'));
  const v = watch(host.port);
  await screenShows(v, 'line-end', 120_000);
  assert.equal((await v.text()).split('\n')[0], 'line-end');
  assert.ok(v.maxChunk <= 256 * 1024, `one output piece was ${v.maxChunk} bytes`);
  assert.equal(host.inputBytes, 0);
});

test('watcher: a 50 MB burst completes, in bounded pieces, with the right final screen', async () => {
  const row = (i: number): string => `row ${i} \x1b[3${i % 8}m${'#'.repeat(60)}\x1b[0m\r\n`;
  const piece = Array.from({ length: 64 }, (_, i) => row(i)).join('');
  const host = await fakeHost((channel) => void burst(channel, piece, 50 << 20, '\x1b[2J\x1b[Hburst-end 50MB'));
  const v = watch(host.port);
  await screenShows(v, 'burst-end 50MB', 180_000);
  assert.equal((await v.text()).split('\n')[0], 'burst-end 50MB');
  assert.ok(v.maxChunk <= 256 * 1024, `one output piece was ${v.maxChunk} bytes`);
});

test('watcher: a runaway OSC (10 MB, never terminated) does not eat the text after it', async () => {
  const host = await fakeHost((channel) => {
    channel.write('\x1b]52;c;');
    void burst(channel, 'QUFBQUFB', 10 << 20, '\x07\x1b[2J\x1b[Hafter-runaway');
  });
  const v = watch(host.port);
  await screenShows(v, 'after-runaway', 120_000);
  assert.deepEqual(v.events, []);
});

test('watcher: a changed host key is refused before any login is tried', async () => {
  const host = await fakeHost('should-not-show\r\n');
  const other = utils.parseKey(generateEd25519KeyPair().private);
  const otherKey = Array.isArray(other) ? other[0] : other;
  if (otherKey instanceof Error) throw otherKey;
  const v = watch(host.port, { knownHostsLine: `[127.0.0.1]:${host.port} ssh-ed25519 ${otherKey.getPublicSSH().toString('base64')}\n` });
  const state = await v.until('error');
  assert.ok(state.kind === 'error');
  assert.match(state.message, /changed|does not match|not the one/i);
  assert.deepEqual(host.attempts, [], 'the viewer offered a login to a host whose key changed');
  assert.ok(!(await v.text()).includes('should-not-show'));
});

// A man in the middle on the same address: the viewer trusts the real broadcast (of each mode),
// then the port is taken over by another SSH server with another key. The viewer, reconnecting
// by itself, must refuse it and never log in.
for (const mode of MODES) {
  test(`${mode}: a man in the middle on the same port with another key is refused`, async () => {
    const fx: ModeFixture = await startMode(mode as BroadcastMode);
    cleanups.push(() => fx.cleanup());
    await typeLine(fx.tmux, fx.sessionName, 'echo real-host');
    const relay = new TcpRelay(fx.port);
    const port = await relay.start();
    cleanups.push(() => relay.cut());
    const v = watch(port);
    await v.until('live');
    await screenShows(v, 'real-host', 15_000);

    // The impostor: a fresh key, a friendly greeting, and every login recorded.
    const impostor = await fakeHost('\x1b[2J\x1b[Himpostor-screen\r\n');
    await relay.cut();
    const mitm = new TcpRelay(impostor.port);
    await mitm.start(port);
    cleanups.push(() => mitm.cut());
    const state = await v.until('error', 30_000);
    assert.ok(state.kind === 'error');
    assert.match(state.message, /changed|does not match|not the one/i);
    assert.deepEqual(impostor.attempts, [], 'the viewer offered a login to the impostor');
    assert.ok(!(await v.text()).includes('impostor-screen'));
  }, mode === 'system' && !isRoot ? 'needs root' : false);
}
