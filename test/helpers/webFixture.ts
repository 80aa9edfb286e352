// A throwaway broadcast with a browser route: an embedded broadcast (test/helpers/embeddedFixture.ts)
// plus a WebRoute on a free loopback port, and a real `ws` client that speaks the page's protocol
// and renders what it receives in @xterm/headless, as the page's xterm.js would.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { WebRoute, WebRouteShared } from '../../src/host/web/webRoute';
import { WebRouteOptions } from '../../src/host/web/webOptions';
import { ServerMessage } from '../../src/wire/webGuestProtocol';
import { Broadcast } from '../../src/host/broadcast';
import { EmbeddedServerOptions } from '../../src/host/embedded/options';
import { EmbeddedSshRoute } from '../../src/host/routes/embeddedSshRoute';
import { EmbeddedFixture } from './embeddedFixture';
import { tempSocket, TEST_SHELL } from './tmuxFixture';
import { Screen, waitFor } from './screen';

export interface WebFixture {
  embedded: EmbeddedFixture;
  route: WebRoute;
  /** "http://127.0.0.1:PORT" */
  origin: string;
  /** The page's path with the secret: "/w/SECRET/". */
  pagePath: string;
  socketUrl: string;
  cleanup(): Promise<void>;
}

/** A folder with stand-ins for the page's script and style (only for header and asset tests). */
export function stubAssetDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gb-assets-'));
  writeFileSync(join(dir, 'web.js'), `// stub page script\n${'console.log("guest broadcast stub");\n'.repeat(200)}`);
  writeFileSync(join(dir, 'web.css'), `/* stub */\n${'body { margin: 0; }\n'.repeat(100)}`);
  writeFileSync(join(dir, 'tiny.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

/**
 * A broadcast served by the embedded SSH route and the browser route at once (one fan-out, one
 * set of bounds), as `guest-broadcast host --web` makes it. `embedded` keeps the embedded
 * fixture's shape, so SSH guests connect as in the other tests.
 */
export async function startWeb(options: Partial<WebRouteOptions> = {}, shared: WebRouteShared = {}, embeddedOptions: Partial<EmbeddedServerOptions> = {}): Promise<WebFixture> {
  const sock = tempSocket('gb-web-');
  const stateDir = join(sock.dir, 'state');
  const access = options.access ?? 'open';
  // The bounds are the broadcast's (both routes get the same host options, as from the CLI).
  const bounds = { maxViewers: options.maxViewers, maxConnectionsPerAddress: options.maxConnectionsPerAddress, maxSizeGroups: options.maxSizeGroups };
  const embeddedRoute = new EmbeddedSshRoute({ listen: '127.0.0.1:0', access, stateDir, ...bounds, ...embeddedOptions });
  const route = new WebRoute({ listen: '127.0.0.1:0', stateDir, access, assetDir: stubAssetDir(), ...options }, shared);
  const broadcast = await Broadcast.start({
    routes: [embeddedRoute, route],
    socketPath: sock.socketPath,
    sessionName: 'broadcast',
    command: TEST_SHELL,
    configFile: '/dev/null',
    pollIntervalMs: 200,
  }).catch(async (error: unknown) => {
    await sock.cleanup();
    throw error;
  });
  const embedded: EmbeddedFixture = {
    broadcast,
    server: embeddedRoute.server,
    port: embeddedRoute.server.port,
    stateDir,
    sock,
    async cleanup() {
      await broadcast.stop().catch(() => undefined);
      await sock.cleanup();
    },
  };
  const origin = `http://127.0.0.1:${route.port}`;
  const pagePath = new URL(route.url).pathname;
  return {
    embedded,
    route,
    origin,
    pagePath,
    socketUrl: `ws://127.0.0.1:${route.port}${pagePath}socket`,
    cleanup: () => embedded.cleanup(),
  };
}

/** A browser guest as the page is one: a WebSocket with the page's Origin, a headless terminal. */
export class WebGuestClient {
  readonly ws: WebSocket;
  readonly messages: ServerMessage[] = [];
  screen: Screen;
  binaryBytes = 0;
  /** Every byte of the view received so far, decoded (to prove something never arrived). */
  output = '';
  private readonly decoder = new TextDecoder();
  closeCode: number | undefined;
  closeReason = '';
  readonly opened: Promise<void>;
  readonly closed: Promise<void>;

  constructor(url: string, options: { origin?: string | null; cols?: number; rows?: number; headers?: Record<string, string>; tls?: { ca: Buffer } } = {}) {
    this.screen = new Screen(options.cols ?? 80, options.rows ?? 24);
    const origin = options.origin === undefined ? new URL(url.replace(/^ws/, 'http')).origin : options.origin;
    this.ws = new WebSocket(url, { ...(origin === null ? {} : { origin }), headers: options.headers, ...(options.tls ? { ca: options.tls.ca } : {}) });
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        this.binaryBytes += data.length;
        this.output += this.decoder.decode(data, { stream: true });
        this.screen.feed(data);
      } else {
        this.messages.push(JSON.parse(data.toString('utf8')) as ServerMessage);
      }
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      this.ws.once('error', reject);
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) => {
      this.ws.once('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString('utf8');
        resolve();
      });
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Says its size (as the page does first), resizing its own screen to match. */
  size(cols: number, rows: number): void {
    if (cols !== this.screen.term.cols || rows !== this.screen.term.rows) this.screen.resize(cols, rows);
    this.send({ type: 'size', cols, rows });
  }

  async lines(): Promise<string[]> {
    await this.screen.settled();
    return this.screen.lines();
  }

  async waitForText(text: string, timeoutMs = 15_000): Promise<void> {
    await waitFor(`"${text}" on the web guest's screen`, async () => (await this.lines()).join('\n').includes(text), timeoutMs).catch(async (error: Error) => {
      throw new Error(`${error.message}\nScreen was:\n${(await this.lines()).join('\n')}\nMessages: ${JSON.stringify(this.messages)}`);
    });
  }

  async waitForMessage<T extends ServerMessage['type']>(type: T, timeoutMs = 10_000): Promise<Extract<ServerMessage, { type: T }>> {
    const found = await waitFor(`a "${type}" message (got ${JSON.stringify(this.messages)})`, () => this.messages.find((m) => m.type === type), timeoutMs);
    return found as Extract<ServerMessage, { type: T }>;
  }

  async waitClosed(timeoutMs = 10_000): Promise<void> {
    await waitFor('the socket to close', () => this.closeCode !== undefined, timeoutMs);
  }

  close(): void {
    this.ws.terminate();
    this.screen.dispose();
  }
}

/** Opens a guest, says its size, and waits until the host's screen reaches it. */
export async function watchingGuest(fx: WebFixture, cols = 80, rows = 24): Promise<WebGuestClient> {
  const g = new WebGuestClient(fx.socketUrl, { cols, rows });
  await g.opened;
  g.size(cols, rows);
  await waitFor('the guest to be listed', () => fx.route.guestList().length > 0);
  return g;
}

/**
 * Writes a full screen of colours, every cell its own (tens of kilobytes each time tmux draws
 * it), and returns the shell line that cats it 8 times: enough to fill a stalled guest's buffers.
 */
export function heavyScreenCommand(dir: string, cols = 120, rows = 34): string {
  let art = '';
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) art += `\x1b[38;5;${(x * 7 + y * 13) % 256}m\x1b[48;5;${(x * 3 + y * 11) % 256}m${String.fromCharCode(33 + ((x + y) % 90))}`;
    art += '\x1b[0m\n';
  }
  const file = join(dir, 'art');
  writeFileSync(file, art);
  return `for i in 1 2 3 4 5 6 7 8; do cat ${file}; done`;
}
