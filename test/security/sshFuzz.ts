// A small seeded fuzzer for an SSH server's front door, bounded in count and time. Before the key
// exchange SSH packets are plain (uint32 length, padding length, payload, padding), so malformed
// and oversized ones can be written by hand; after login, channel requests are driven through
// ssh2 with odd values. The same seed always sends the same bytes, so a failure can be replayed.
import { Socket } from 'node:net';
import { ClientChannel } from 'ssh2';
import { Ssh2Guest } from '../helpers/embeddedFixture';

/** mulberry32: tiny, deterministic, good enough to pick cases. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (rand: Rand, max: number): number => Math.floor(rand() * max);
const pick = <T>(rand: Rand, items: readonly T[]): T => items[int(rand, items.length)];

function bytes(rand: Rand, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = int(rand, 256);
  return b;
}

function sshString(data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

/** A well-formed plain binary packet around `payload`. */
function packet(payload: Buffer, rand: Rand): Buffer {
  let padding = 8 - ((5 + payload.length) % 8);
  if (padding < 4) padding += 8;
  const head = Buffer.alloc(5);
  head.writeUInt32BE(1 + payload.length + padding);
  head[4] = padding;
  return Buffer.concat([head, payload, bytes(rand, padding)]);
}

function nameList(rand: Rand): Buffer {
  switch (int(rand, 5)) {
    case 0:
      return sshString('');
    case 1:
      return sshString('x'.repeat(70_000)); // longer than any sane list
    case 2:
      return sshString(bytes(rand, int(rand, 200)));
    case 3:
      return sshString(Array.from({ length: 500 }, (_, i) => `alg${i}@example`).join(','));
    default:
      return sshString('curve25519-sha256,ssh-ed25519,aes128-ctr,hmac-sha2-256,none');
  }
}

function kexinit(rand: Rand): Buffer {
  const lists = Array.from({ length: 10 }, () => nameList(rand));
  return Buffer.concat([Buffer.from([20]), bytes(rand, 16), ...lists, Buffer.from([int(rand, 2)]), Buffer.alloc(4)]);
}

/** What a hostile opening is: the outcome a server must give depends on it. */
export type OpeningKind =
  | 'garbage-after-version'
  | 'not-ssh-version'
  | 'endless-version-line'
  | 'length-4GiB'
  | 'length-over-limit'
  | 'length-too-short'
  | 'padding-over-packet'
  | 'kexinit-only'
  | 'message-before-kex'
  | 'kexinit-and-bogus-dh';

/** One hostile opening: what is sent after (or instead of) the client's version line. */
function hostileOpening(rand: Rand): { kind: OpeningKind; ident: string; then: Buffer } {
  const ident = 'SSH-2.0-GbFuzz\r\n';
  const lengthOnly = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n >>> 0);
    return b;
  };
  switch (int(rand, 10)) {
    case 0:
      return { kind: 'garbage-after-version', ident, then: bytes(rand, 1 + int(rand, 4096)) };
    case 1:
      return { kind: 'not-ssh-version', ident: `NOT-SSH ${bytes(rand, 300).toString('latin1')}\r\n`, then: Buffer.alloc(0) };
    case 2:
      return { kind: 'endless-version-line', ident: 'SSH-2.0-' + 'A'.repeat(16_384), then: Buffer.alloc(0) }; // a version line that never ends
    case 3:
      return { kind: 'length-4GiB', ident, then: Buffer.concat([lengthOnly(0xffffffff), bytes(rand, 64)]) };
    case 4:
      return { kind: 'length-over-limit', ident, then: Buffer.concat([lengthOnly(35_000 + int(rand, 1_000_000)), bytes(rand, 65_536)]) };
    case 5:
      return { kind: 'length-too-short', ident, then: Buffer.concat([lengthOnly(int(rand, 5)), bytes(rand, 16)]) };
    case 6: {
      const p = packet(bytes(rand, 20), rand);
      p[4] = 255; // padding longer than the packet
      return { kind: 'padding-over-packet', ident, then: p };
    }
    case 7:
      return { kind: 'kexinit-only', ident, then: packet(kexinit(rand), rand) };
    case 8:
      // A message that only makes sense after the key exchange or login: service request,
      // userauth, channel open, channel request, global request.
      return { kind: 'message-before-kex', ident, then: packet(Buffer.concat([Buffer.from([pick(rand, [5, 50, 80, 90, 98, 94, 2, 4, 21, 30])]), bytes(rand, int(rand, 512))]), rand) };
    default:
      return { kind: 'kexinit-and-bogus-dh', ident, then: Buffer.concat([packet(kexinit(rand), rand), packet(Buffer.concat([Buffer.from([30]), sshString(bytes(rand, int(rand, 2000)))]), rand)]) };
  }
}

/**
 * closed-by-server: the server greeted, read the opening and hung up; still-open: it was still
 * waiting for more when the time was up; never-greeted: the connection ended (or never came up)
 * before the server sent its version line, which a running server never does.
 */
export type FuzzOutcome = 'closed-by-server' | 'still-open' | 'never-greeted';

export interface FuzzResult {
  kind: OpeningKind;
  outcome: FuzzOutcome;
  /** What the server sent (its version line, and a KEXINIT when it went that far). */
  received: number;
}

/** `count` hostile connections, one after another, each given at most `perConnectionMs`. */
export async function fuzzHandshake(port: number, options: { seed: number; count: number; perConnectionMs: number }): Promise<FuzzResult[]> {
  const rand = seededRandom(options.seed);
  const results: FuzzResult[] = [];
  for (let i = 0; i < options.count; i++) {
    const opening = hostileOpening(rand);
    results.push(
      await new Promise<FuzzResult>((resolve) => {
        const socket = new Socket();
        let sent = false;
        let received = 0;
        const finish = (outcome: FuzzOutcome): void => {
          clearTimeout(timer);
          socket.destroy();
          resolve({ kind: opening.kind, outcome, received });
        };
        const timer = setTimeout(() => finish('still-open'), options.perConnectionMs);
        socket.on('error', () => undefined);
        socket.on('close', () => finish(sent ? 'closed-by-server' : 'never-greeted'));
        socket.on('data', (d: Buffer) => {
          received += d.length;
          if (sent) return;
          sent = true;
          socket.write(opening.ident);
          if (opening.then.length) socket.write(opening.then);
        });
        socket.connect(port, '127.0.0.1');
      }),
    );
  }
  return results;
}

function oddSize(rand: Rand): number {
  return pick(rand, [0, 1, 2, 65535, 100_000, 0x7fffffff, 0xffffffff, 80, 24, 1 + int(rand, 400)]);
}

function oddText(rand: Rand): string {
  return pick(rand, ['', 'xterm', 'x'.repeat(5000), '../../../../etc/passwd', 'vt100\x1b[31m', 'dumb', bytes(rand, 40).toString('latin1'), 'screen-256color;id']);
}

/** Resolves with a granted channel, or the refusal; never rejects, never waits longer than 3 s. */
function request(run: (cb: (err: Error | undefined, ch?: ClientChannel) => void) => void): Promise<{ channel?: ClientChannel; refused?: string; unanswered?: true }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ unanswered: true }), 3000);
    try {
      run((err, ch) => {
        clearTimeout(timer);
        resolve(err ? { refused: err.message } : { channel: ch });
      });
    } catch (error) {
      clearTimeout(timer);
      resolve({ refused: `not sent: ${(error as Error).message}` });
    }
  });
}

/** What a granted extra channel printed before it closed (bounded), then closes it. */
function outputOf(channel: ClientChannel, timeoutMs = 3000): Promise<string> {
  let out = '';
  channel.on('data', (d: Buffer) => (out += d.toString('latin1')));
  channel.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      resolve(out);
    };
    const timer = setTimeout(() => {
      channel.close();
      done();
    }, timeoutMs);
    channel.on('close', done);
  });
}

export interface ChannelFuzzResult {
  user: string;
  loggedIn: boolean;
  /** The session channel with odd pty values: granted, refused, left unanswered (3 s), or never asked (no login). */
  shell: 'granted' | 'refused' | 'unanswered' | 'not-asked';
  /** Every exec and subsystem request on the same connection: answered or not, refused or granted, and what a granted one printed. */
  commands: Array<{ request: string; answered: boolean; granted: boolean; output: string }>;
  /** Whether the connection was still up after the requests (the server kept the guest). */
  stillConnected: boolean;
}

/**
 * `count` connections, each logging in and opening a session with odd pty values and then sending
 * a seeded mix of window-changes, signals, env, exec and subsystem requests. Returns what each
 * connection got, for the caller to hold against what the server must do.
 */
export async function fuzzChannelRequests(port: number, options: { seed: number; count: number }): Promise<ChannelFuzzResult[]> {
  const rand = seededRandom(options.seed);
  const results: ChannelFuzzResult[] = [];
  for (let i = 0; i < options.count; i++) {
    const g = new Ssh2Guest();
    const user = pick(rand, ['guest', 'guest', 'g\x1b[2Jx', 'a'.repeat(300)]);
    const result: ChannelFuzzResult = { user, loggedIn: false, shell: 'not-asked', commands: [], stillConnected: false };
    results.push(result);
    try {
      result.loggedIn = await g.connect(port, { username: user, readyTimeout: 10_000 }).then(() => true, () => false);
      if (!result.loggedIn) continue;
      const { channel, unanswered } = await request((cb) =>
        g.client.shell({ term: oddText(rand), cols: oddSize(rand), rows: oddSize(rand), width: oddSize(rand), height: oddSize(rand) }, { env: { [oddText(rand).replace(/[^A-Za-z_]/g, '') || 'X']: oddText(rand) } }, cb),
      );
      result.shell = channel ? 'granted' : unanswered ? 'unanswered' : 'refused';
      channel?.on('data', () => undefined);
      channel?.stderr.on('data', () => undefined);
      for (let k = 0; k < 12; k++) {
        try {
          switch (int(rand, 5)) {
            case 0:
              channel?.setWindow(oddSize(rand), oddSize(rand), oddSize(rand), oddSize(rand));
              break;
            case 1:
              channel?.signal(pick(rand, ['KILL', 'INT', 'TERM', 'HUP', 'WINCH', 'QUIT', oddText(rand)]));
              break;
            case 2:
            case 3: {
              const kind = int(rand, 2) === 0 ? 'exec' : 'subsystem';
              const text = oddText(rand);
              const asked = await request((cb) => (kind === 'exec' ? g.client.exec(text, cb) : g.client.subsys(text, cb)));
              // ssh2 refuses some values before sending them: nothing was asked of the server then.
              if (asked.refused?.startsWith('not sent')) break;
              result.commands.push({ request: `${kind} ${JSON.stringify(text.slice(0, 40))}`, answered: !asked.unanswered, granted: !!asked.channel, output: asked.channel ? await outputOf(asked.channel) : '' });
              break;
            }
            default:
              channel?.write(bytes(rand, int(rand, 4096)));
          }
        } catch {
          // ssh2 refuses some values before sending them: that one is simply skipped.
        }
      }
      await new Promise((r) => setTimeout(r, 50));
      result.stillConnected = !g.closed;
    } finally {
      g.end();
    }
  }
  return results;
}
