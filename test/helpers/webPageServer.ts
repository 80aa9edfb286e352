// A stand-in for the host's browser route, for the page's Chromium test: serves the real page
// (buildWebPageHtml, with the route's CSP header) and the real bundle (dist/media/web.*) on a
// loopback port, and speaks the server side of src/wire/webGuestProtocol.ts from a script the
// test writes. Every frame a page sends is recorded, so a test can say what left the page.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { buildWebPageHtml, webPageCsp } from '../../src/host/web/pageHtml';
import { WEB_PAGE_ASSETS } from '../../src/host/web/pageAssets';
import { webPaths, type ServerMessage } from '../../src/wire/webGuestProtocol';

const MEDIA = join(__dirname, '..', '..', '..', 'dist', 'media');

/** One frame a page sent. */
export interface PageFrame {
  binary: boolean;
  text: string;
}

/** One page's WebSocket, as the test drives it. */
export class ScriptedSocket {
  readonly received: PageFrame[] = [];
  readonly closed: Promise<void>;
  private waiters: (() => void)[] = [];

  constructor(readonly socket: WebSocket, readonly request: IncomingMessage) {
    socket.on('message', (data, binary) => {
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      this.received.push({ binary, text: buffer.toString('utf8') });
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  send(message: ServerMessage): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Terminal output, as a binary frame. */
  output(text: string | Uint8Array): void {
    this.socket.send(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, { binary: true });
  }

  /** Parsed text frames. */
  messages(): Record<string, unknown>[] {
    return this.received.filter((f) => !f.binary).map((f) => JSON.parse(f.text) as Record<string, unknown>);
  }

  /** Waits (bounded) until a message matching `test` has arrived, among those from index `since`
   * on (messages().length before the action that should send it); returns it. */
  async waitForMessage(test: (m: Record<string, unknown>) => boolean, what: string, since = 0, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages().slice(since).find(test);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the page sent no ${what}; it sent: ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export interface WebPageServerOptions {
  passphraseRequired?: boolean;
  session?: string;
}

export class WebPageServer {
  readonly sockets: ScriptedSocket[] = [];
  /** The Content-Security-Policy header of each page served. */
  readonly csps: string[] = [];
  /** While set, socket handshakes are refused (as a route does for a link it no longer serves). */
  refuseSockets = false;
  /** Handshakes refused so far. */
  refused = 0;
  private waiters: (() => void)[] = [];

  private constructor(private readonly server: Server, private readonly wss: WebSocketServer, readonly origin: string, readonly secret: string) {}

  get pageUrl(): string {
    return `${this.origin}${webPaths(this.secret).page}`;
  }

  static async start(options: WebPageServerOptions = {}): Promise<WebPageServer> {
    const secret = randomBytes(16).toString('base64url');
    const paths = webPaths(secret);
    const wss = new WebSocketServer({ noServer: true });
    let self: WebPageServer | undefined;
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'GET' && url.pathname === paths.page) {
        const nonce = randomBytes(16).toString('base64');
        const csp = webPageCsp(nonce);
        self?.csps.push(csp);
        const html = buildWebPageHtml({
          nonce,
          session: options.session ?? 'demo <session>',
          scriptUrl: `/assets/${WEB_PAGE_ASSETS.script}`,
          styleUrl: `/assets/${WEB_PAGE_ASSETS.style}`,
          passphraseRequired: options.passphraseRequired ?? false,
          testHooks: true,
        });
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': csp,
          'referrer-policy': 'no-referrer',
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-store',
        }).end(html);
        return;
      }
      const asset = Object.values(WEB_PAGE_ASSETS).find((name) => url.pathname === `/assets/${name}`);
      if (req.method === 'GET' && asset) {
        const type = asset.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8';
        res.writeHead(200, { 'content-type': type, 'x-content-type-options': 'nosniff' }).end(readFileSync(join(MEDIA, asset)));
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      // As the route does: only this page's socket, only from this page's origin.
      if (url.pathname !== paths.socket || req.headers.origin !== self?.origin || self?.refuseSockets) {
        if (self) self.refused++;
        socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        self?.sockets.push(new ScriptedSocket(ws, req));
        for (const wake of self?.waiters.splice(0) ?? []) wake();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    self = new WebPageServer(server, wss, origin, secret);
    return self;
  }

  /** The n-th socket a page opened (0 = the first), waiting (bounded) for it. */
  async socket(index: number, timeoutMs = 15_000): Promise<ScriptedSocket> {
    const deadline = Date.now() + timeoutMs;
    while (this.sockets.length <= index) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the page opened ${this.sockets.length} socket(s), not ${index + 1}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.sockets[index];
  }

  /** Every frame any page sent, in order per socket. */
  allReceived(): PageFrame[] {
    return this.sockets.flatMap((s) => s.received);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.socket.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
