// The viewer while it is still connecting: close() must drop the socket at once in every phase
// (before the server says anything, during a host key or password prompt) and never reconnect afterwards;
// a resize made while connecting must reach the connection once it is up. Real parts: a raw TCP
// listener that never answers, and the embedded ssh2 server in front of a real tmux broadcast.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { listClients } from '../../src/tmux/clients';
import { openWatchSession } from '../../src/watcher';
import { HostKeyInfo, WatchSession, WatchState } from '../../src/watcher/types';
import { boundedTest, EmbeddedFixture, startEmbedded } from '../helpers/embeddedFixture';
import { waitFor } from '../helpers/screen';
import { TcpRelay } from '../helpers/tcpRelay';

// Each test is bounded in time: a hang is a failure, not a stuck suite.
const test = (name: string, fn: () => Promise<void>): void => boundedTest(name, fn, { timeoutMs: 30_000 });
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// Far longer than any wait below: a socket that closes is closed by close(), not by this timeout.
const HANDSHAKE_TIMEOUT_MS = 120_000;

let fx: EmbeddedFixture;
const home = mkdtempSync(join(tmpdir(), 'gb-viewer-connecting-'));
const sessions: WatchSession[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

before(async () => {
  fx = await startEmbedded();
});

after(async () => {
  for (const s of sessions) s.close();
  for (const c of cleanups) await c();
  await fx?.cleanup();
  rmSync(home, { recursive: true, force: true });
});

/** A loopback listener that accepts and never says a word; it counts and tracks its sockets. */
async function silentListener(): Promise<{ port: number; accepted: number; open: Set<Socket> }> {
  const open = new Set<Socket>();
  const state = { port: 0, accepted: 0, open };
  const server: Server = createServer((socket) => {
    state.accepted++;
    open.add(socket);
    socket.on('error', () => undefined);
    socket.resume(); // read (and drop) what the client sends, so its FIN or RST is noticed
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  state.port = (server.address() as { port: number }).port;
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  );
  return state;
}

/** A host key question that stays open until the test answers it. */
function heldPrompt(): { asked: HostKeyInfo[]; answer(trust: boolean): void; confirm(info: HostKeyInfo): Promise<boolean> } {
  const asked: HostKeyInfo[] = [];
  let answer: (trust: boolean) => void = () => undefined;
  const pending = new Promise<boolean>((r) => (answer = r));
  return { asked, answer: (trust) => answer(trust), confirm: (info) => (asked.push(info), pending) };
}

function watch(
  port: number,
  confirm: (info: HostKeyInfo) => Promise<boolean>,
  size = { cols: 80, rows: 24 },
  askSecret: (prompt: string) => Promise<string | undefined> = async () => undefined,
): { session: WatchSession; states: WatchState[] } {
  const trust = mkdtempSync(join(home, 'trust-'));
  const session = openWatchSession(
    { label: `guest@127.0.0.1:${port}`, host: '127.0.0.1', port, user: 'guest', identityFiles: [] },
    { confirmNewHostKey: confirm, askSecret },
    {
      ...size,
      knownHostsFiles: [join(trust, 'known_hosts')],
      hostKeyStorePath: join(trust, 'store'),
      home,
      agentSocket: null,
      handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      reconnect: { initialMs: 50, maxMs: 100, jitter: 0 },
    },
  );
  sessions.push(session);
  const states: WatchState[] = [];
  session.onState((s) => states.push(s));
  return { session, states };
}

test('close() before the server has said anything drops the socket at once and never reconnects', async () => {
  const listener = await silentListener();
  const { session, states } = watch(listener.port, async () => true);
  await waitFor('the viewer to open a TCP connection', () => listener.accepted === 1 && listener.open.size === 1, 5000);
  const reported = states.length;
  session.close();
  await waitFor('the viewer to drop its socket after close()', () => listener.open.size === 0, 5000);
  // Several reconnect delays (50–100 ms) long: no new attempt may start after close().
  await settle(600);
  assert.equal(listener.accepted, 1, 'no reconnect after close()');
  assert.equal(states.length, reported, `no state reported after close(): ${JSON.stringify(states.slice(reported))}`);
});

test('close() while a host key question is open drops the connection; the late answer changes nothing', async () => {
  const relay = new TcpRelay(fx.port);
  await relay.start();
  cleanups.push(() => relay.cut());
  const prompt = heldPrompt();
  const { session, states } = watch(relay.port, prompt.confirm);
  await waitFor('the host key question', () => prompt.asked.length === 1, 10_000);
  assert.equal(relay.connections, 1);
  session.close();
  await waitFor('the viewer to drop its connection after close()', () => relay.connections === 0, 5000);
  prompt.answer(true);
  await settle(600);
  assert.equal(relay.connections, 0, 'no reconnect after close()');
  assert.deepEqual(states, [{ kind: 'connecting' }]);
  assert.equal((await listClients(fx.sock.tmux)).filter((c) => c.readOnly).length, 0, 'no guest reached tmux');
});

test('close() while a password is being asked for drops the connection', async () => {
  const guarded = await startEmbedded({ access: 'password' });
  cleanups.push(() => guarded.cleanup());
  const relay = new TcpRelay(guarded.port);
  await relay.start();
  cleanups.push(() => relay.cut());
  const asked: string[] = [];
  const { session, states } = watch(relay.port, async () => true, undefined, (prompt) => (asked.push(prompt), new Promise<never>(() => undefined)));
  await waitFor('the password question', () => asked.length === 1, 10_000);
  assert.equal(relay.connections, 1);
  session.close();
  await waitFor('the viewer to drop its connection after close()', () => relay.connections === 0, 5000);
  await settle(600);
  assert.equal(relay.connections, 0, 'no reconnect after close()');
  assert.deepEqual(states, [{ kind: 'connecting' }]);
});

test('a resize made while connecting is the size the connection gets', async () => {
  const prompt = heldPrompt();
  const { session } = watch(fx.port, prompt.confirm, { cols: 80, rows: 24 });
  await waitFor('the host key question', () => prompt.asked.length === 1, 10_000);
  session.resize(97, 31);
  prompt.answer(true);
  await waitFor('the watch to be live', () => session.state.kind === 'live', 10_000);
  await waitFor('tmux to see the guest client at 97x31', async () => (await listClients(fx.sock.tmux)).some((c) => c.readOnly && c.cols === 97 && c.rows === 31), 5000).catch(async (e: Error) => {
    throw new Error(`${e.message}; clients: ${JSON.stringify((await listClients(fx.sock.tmux)).map((c) => [c.readOnly, c.cols, c.rows]))}`);
  });
  session.close();
  await waitFor('the guest to leave tmux', async () => !(await listClients(fx.sock.tmux)).some((c) => c.readOnly), 5000);
});
