// AsciicastSink over real WebSockets on loopback (src/host/web/asciicastSink.ts): the header
// first with the given size, each write one event, resize/marker/end frames, the refusal of a
// client offering nothing we speak, raw for a client offering nothing, any message from the
// client closing the socket, and a client that stops reading falling behind and being
// resynchronised by its GuestFeed (the sink's writableLength and 'drain' are what the feed uses).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { GuestFeed, SnapshotSource } from '../../src/host/fanout/guestFeed';
import { acceptAsciicastSocket, AsciicastSink } from '../../src/host/web/asciicastSink';
import { handleStreamProtocols } from '../../src/wire/castStream';
import { waitFor } from '../helpers/wait';

let server: Server;
let port = 0;
/** The sink of each connection, in order (undefined: refused). */
const accepted: Array<AsciicastSink | undefined> = [];

before(async () => {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p: Set<string>) => handleStreamProtocols(p) });
  server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      accepted.push(acceptAsciicastSocket(ws, req.headers['sec-websocket-protocol'], { cols: 100, rows: 30, term: 'xterm-256color', title: 'sink test', clock: () => 0 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

interface Client {
  ws: WebSocket;
  frames: Array<{ data: Buffer; binary: boolean }>;
  closed: Promise<{ code: number; reason: string }>;
  sink: () => AsciicastSink | undefined;
}

/** `promise`, or a failure saying what did not happen within `ms`. */
function within<T>(promise: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function open(protocols: string[]): Promise<Client> {
  const index = accepted.length;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/stream`, protocols);
  const frames: Client['frames'] = [];
  ws.on('message', (data: Buffer, binary: boolean) => frames.push({ data, binary }));
  const closed = within(
    new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
    'the socket to close',
  );
  closed.catch(() => undefined); // awaited by the tests that expect a close
  await within(
    new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    }),
    'the socket to open',
  );
  await waitFor('the server to take the socket', () => accepted.length > index);
  return { ws, frames, closed, sink: () => accepted[index] };
}

test('v2.asciicast: the header with the given size first, one event per write, whole characters, then resize, marker and a normal close', async () => {
  const c = await open(['v2.asciicast']);
  const sink = c.sink()!;
  assert.equal(c.ws.protocol, 'v2.asciicast');
  const euro = Buffer.from('€', 'utf8');
  await within(new Promise<void>((resolve) => sink.write(Buffer.concat([Buffer.from('a'), euro.subarray(0, 1)]), resolve)), 'the write to be sent');
  await within(new Promise<void>((resolve) => sink.write(euro.subarray(1), resolve)), 'the write to be sent');
  sink.resize(120, 40);
  sink.marker('m1');
  sink.end();
  const closed = await c.closed;
  assert.deepEqual(closed, { code: 1000, reason: 'Stream ended' });
  assert.ok(c.frames.every((f) => !f.binary), 'text frames only');
  const [header, ...events] = c.frames.map((f) => JSON.parse(f.data.toString()) as unknown);
  assert.equal((header as { version: number }).version, 2);
  assert.deepEqual({ ...(header as object), timestamp: 0 }, { version: 2, width: 100, height: 30, timestamp: 0, title: 'sink test', env: { TERM: 'xterm-256color' } });
  assert.deepEqual(events, [[0, 'o', 'a'], [0, 'o', '€'], [0, 'r', '120x40'], [0, 'm', 'm1']]);
  assert.equal(sink.writable, false);
});

test('v1.alis: the magic, the init frame, and the end-of-stream frame before the close', async () => {
  const c = await open(['v1.alis', 'v2.asciicast']);
  assert.equal(c.ws.protocol, 'v1.alis');
  await within(new Promise<void>((resolve) => c.sink()!.write(Buffer.from('hi'), resolve)), 'the write to be sent');
  c.sink()!.end();
  assert.equal((await c.closed).code, 1000);
  assert.ok(c.frames.every((f) => f.binary), 'binary frames only');
  assert.equal(c.frames[0].data.toString('latin1'), 'ALiS\x01');
  assert.deepEqual([...c.frames[1].data], [0x01, 0, 0, 100, 30, 0, 0]);
  assert.deepEqual([...c.frames[2].data], [0x6f, 1, 0, 2, 0x68, 0x69]);
  assert.deepEqual([...c.frames[c.frames.length - 1].data], [0x04]);
});

test('a client offering only subprotocols we do not speak is closed with 1002 and a reason naming ours', async () => {
  const c = await open(['chat', 'v9.alis']);
  const closed = await c.closed;
  assert.equal(closed.code, 1002);
  assert.match(closed.reason, /offer one of v1\.alis, v2\.asciicast, v3\.asciicast, raw/);
  assert.equal(c.sink(), undefined);
  assert.deepEqual(c.frames, []);
});

test('a client offering no subprotocol gets raw: the size as CSI 8 t, then the bytes as they are, and a new size the same way', async () => {
  const c = await open([]);
  assert.equal(c.sink()!.protocol, 'raw');
  await within(new Promise<void>((resolve) => c.sink()!.write(Buffer.from([0x61, 0xe2]), resolve)), 'the write to be sent');
  await waitFor('two frames', () => c.frames.length >= 2);
  assert.equal(c.frames[0].data.toString(), '\x1b[8;30;100t');
  assert.deepEqual([...c.frames[1].data], [0x61, 0xe2]);
  c.sink()!.resize(120, 40);
  await waitFor('the resize', () => c.frames.length >= 3);
  assert.equal(c.frames[2].data.toString(), '\x1b[8;40;120t');
  c.ws.close();
  await c.closed;
});

test('anything a stream client sends closes its socket (1008): it has nothing to say', async () => {
  const c = await open(['v2.asciicast']);
  c.ws.send('{"type":"size","cols":10,"rows":10}');
  const closed = await c.closed;
  assert.equal(closed.code, 1008);
  assert.equal(c.sink()!.writable, false);
});

/** A WebSocket client that completes the handshake and then reads nothing until told. */
async function stalledClient(): Promise<Socket> {
  const index = accepted.length;
  const socket = connect(port, '127.0.0.1');
  await within(
    new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    }),
    'the stalled client to connect',
  );
  socket.write(
    `GET /stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v2.asciicast\r\n\r\n`,
  );
  await waitFor('the server to take the stalled socket', () => accepted.length > index);
  socket.pause();
  return socket;
}

test('a client that stops reading falls behind without growing the server\'s queue, and is resynchronised once it reads again', async () => {
  const socket = await stalledClient();
  const sink = accepted[accepted.length - 1]!;
  let snapshotsAsked = 0;
  const source: SnapshotSource = {
    requestSnapshot(feed, generation) {
      snapshotsAsked++;
      setImmediate(() => feed.deliverSnapshot(generation, 'SNAPSHOT'));
    },
  };
  const feed = new GuestFeed(sink);
  feed.start(source, true);
  const chunk = Buffer.alloc(64 * 1024, 'x');
  // Bounded: loopback socket buffers hold a few MiB at most.
  for (let i = 0; i < 1024 && feed.state === 'live'; i++) {
    feed.push(chunk);
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(feed.state, 'behind', 'the feed stopped queueing for the stalled client');
  assert.equal(feed.drops, 1);
  const queued = sink.writableLength;
  for (let i = 0; i < 20; i++) feed.push(chunk);
  assert.equal(sink.writableLength, queued, 'nothing more is queued while it is behind');
  // Reading again: the socket drains, and the feed goes live again from a snapshot.
  socket.on('data', () => undefined);
  socket.resume();
  await waitFor('the feed to resynchronise', () => feed.state === 'live' && snapshotsAsked === 1, 20_000);
  assert.equal(feed.snapshots, 1);
  socket.destroy();
});
