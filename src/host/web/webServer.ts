// The serving part of the browser route: a Node http (or https) server that answers the page, its
// assets and the page's WebSocket (src/wire/webGuestProtocol.ts), and makes each socket a WebGuest
// in the fan-out its link leads to. It knows nothing of where that fan-out is: the host's browser
// route (webRoute.ts) feeds it the broadcast's own size groups behind the link secret, and a relay
// (src/relay/relayWebServer.ts) feeds it a relay's groups behind the broadcast id, the way the
// embedded SSH code is fed by either through GroupPlacer.
//
// READ-ONLY: every page message goes through parsePageMessage in webGuest.ts (the one place page
// input is read: a size or the passphrase, nothing else); a WebGuest has no path to any input.
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { MAX_PAGE_MESSAGE } from '../../wire/webGuestProtocol';
import { ConnectionLimits, normalizeAddress } from '../connectionLimits';
import type { ListenAddress } from '../embedded/listen';
import { listenOn } from '../embedded/listenOn';
import type { ListenOwner } from '../embedded/listenError';
import type { GroupPlacer } from '../fanout/groupPlacer';
import type { HostSizeSource } from '../fanout/hostSizeFeed';
import { AssetStore } from './webAssets';
import { handleWebRequest, NOT_FOUND, rawRefusal } from './webHttp';
import { isOwnOrigin } from './webOrigin';
import { WEB_DEFAULTS } from './webOptions';
import { parseWebTarget } from './webPaths';
import { WebGuest } from './webGuest';

/** What a link leads to: one broadcast's fan-out, its bounds and the host's size. */
export interface StreamContext {
  groups: GroupPlacer;
  /** Count each viewer here (admit/release): pages and stream clients alike. */
  limits: ConnectionLimits;
  /** The host's terminal size and its changes (fit mode; a stream watches at the host's size). */
  hostSize: HostSizeSource;
  session: string;
}

/**
 * The asciinema-compatible stream at /w/SECRET/stream (the live stream's sink, asciicastSink.ts):
 * handed the upgrade once the link matched. Any Origin is let through to it (it is meant to be
 * embedded in other sites' pages; the link admits), so narrowing origins is its own option.
 */
export type StreamUpgrade = (req: IncomingMessage, socket: Socket, head: Buffer, context: StreamContext) => void;

/** One broadcast as a link opens it. */
export interface WebSite extends StreamContext {
  /** undefined: no passphrase asked. Else checks one attempt (constant time, read at each attempt; a relay's check is async). */
  checkPassphrase?: (value: string) => boolean | Promise<boolean>;
  /** Set: the link's broadcast cannot be watched in a browser (a relay's broadcast with --access keys): page and socket refused with it. */
  refusal?: string;
  /** Serves /stream; without it, /stream is a 404 like any unknown path. */
  stream?: StreamUpgrade;
}

export interface WebServerOptions<S extends WebSite = WebSite> {
  listen: ListenAddress;
  /** The option the address came from, for a listen error ("--web"). */
  listenName: string;
  /** Whose server this is, for the advice on a port in use (default: a broadcast's). */
  listenOwner?: ListenOwner;
  tls?: { cert: Buffer; key: Buffer };
  assets: AssetStore;
  /** TCP connections at once (before TLS or HTTP is spoken). */
  maxConnections: number;
  /** Viewers per address: TCP connections beyond them are for a page's assets (WEB_DEFAULTS). */
  maxConnectionsPerAddress: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  maxAuthAttempts: number;
  handshakeTimeoutMs: number;
  messagesPerSecond?: number;
  /** The broadcast a link's secret opens now; undefined: nothing (404). */
  find(secret: string): S | undefined | Promise<S | undefined>;
  /** The 404's body for a well-formed link that opens nothing (default: the same as any unknown path). */
  unknownLink?(secret: string): string;
  /** Called before each request and upgrade is answered (the host notices a new link secret). */
  beforeRequest?(): void;
  /** A page's socket became a guest (already counted in its site's limits, released when it closes). */
  onGuest(guest: WebGuest, site: S): void;
}

export class WebServer<S extends WebSite = WebSite> {
  /** The pages' sockets now, watching or logging in. */
  readonly guests = new Set<WebGuest>();
  private readonly wss: WebSocketServer;
  /** Open TCP connections per address (pages, assets, sockets). */
  private readonly tcpPerAddress = new Map<string, number>();
  private server: Server | undefined;
  private bound: ListenAddress;
  private nextId = 1;
  private closing = false;

  constructor(private readonly options: WebServerOptions<S>) {
    this.bound = options.listen;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAGE_MESSAGE, perMessageDeflate: false, clientTracking: false });
  }

  /** The address listened on (the real port once listening). */
  get address(): ListenAddress {
    return this.bound;
  }

  get tls(): boolean {
    return this.options.tls !== undefined;
  }

  async listen(): Promise<void> {
    // Loaded now, not with this file: VS Code loads the extension (and this file) at every window
    // start, and http/https pull in net, tls and crypto (test/integration/extensionLoad.test.ts).
    const { createServer: createHttpServer } = await import('node:http');
    const { createServer: createHttpsServer } = await import('node:https');
    const timeouts = {
      headersTimeout: this.options.headersTimeoutMs ?? WEB_DEFAULTS.headersTimeoutMs,
      requestTimeout: this.options.requestTimeoutMs ?? WEB_DEFAULTS.requestTimeoutMs,
      keepAliveTimeout: WEB_DEFAULTS.keepAliveTimeoutMs,
      // Node checks the two timeouts above only this often (30 s by default).
      connectionsCheckingInterval: 1000,
      maxHeaderSize: 8192,
    };
    const tls = this.options.tls;
    const server = tls
      ? // A TLS handshake that never finishes is cut as slow headers are (Node's default waits 120 s).
        createHttpsServer({ ...timeouts, handshakeTimeout: timeouts.headersTimeout, cert: tls.cert, key: tls.key })
      : createHttpServer(timeouts);
    this.server = server;
    // Before TLS or HTTP is spoken at all: TCP connections are bounded in total and per address.
    server.maxConnections = this.options.maxConnections;
    // (An https server emits 'connection' for the raw TCP socket too, before TLS.)
    server.on('connection', (socket: Socket) => this.onTcp(socket));
    server.on('request', (req, res) => {
      this.options.beforeRequest?.();
      if (this.closing) res.shouldKeepAlive = false;
      void handleWebRequest(req, res, {
        assets: this.options.assets,
        page: async (secret) => {
          const site = await this.options.find(secret);
          return site && { session: site.session, passphrase: site.checkPassphrase !== undefined, ...(site.refusal !== undefined ? { refusal: site.refusal } : {}) };
        },
        unknownLink: this.options.unknownLink,
      });
    });
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => void this.onUpgrade(req, socket, head));
    server.on('clientError', (_error, socket: Socket) => socket.destroy());
    if (tls) server.on('tlsClientError', (_error, socket: Socket) => socket.destroy());
    this.bound = await listenOn(server, this.bound, this.options.listenName, this.options.listenOwner);
  }

  /** Stops listening, ends every page with `end` (at most 3 s), then cuts what is left. */
  async close(end: (guest: WebGuest) => Promise<void>): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const server = this.server;
    const stopped = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    await bounded(Promise.all([...this.guests].map(end)), 3000);
    server?.closeAllConnections();
    await stopped;
  }

  private onTcp(socket: Socket): void {
    socket.on('error', () => undefined);
    const address = normalizeAddress(socket.remoteAddress);
    const mine = (this.tcpPerAddress.get(address) ?? 0) + 1;
    const allowed = this.options.maxConnectionsPerAddress + WEB_DEFAULTS.extraConnectionsPerAddress;
    if (mine > allowed || this.closing) {
      socket.destroy();
      return;
    }
    this.tcpPerAddress.set(address, mine);
    socket.once('close', () => {
      const left = (this.tcpPerAddress.get(address) ?? 1) - 1;
      if (left > 0) this.tcpPerAddress.set(address, left);
      else this.tcpPerAddress.delete(address);
    });
  }

  private async onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    this.options.beforeRequest?.();
    const target = parseWebTarget(req.url);
    const refuse = (status: 403 | 404 | 503, body: string): void => {
      socket.end(rawRefusal(status, body));
      setTimeout(() => socket.destroy(), 1000).unref();
    };
    if (this.closing) return refuse(503, 'The broadcast is ending.\n');
    if (target.kind !== 'socket' && target.kind !== 'stream') return refuse(404, NOT_FOUND);
    const site = await Promise.resolve(this.options.find(target.secret)).catch(() => undefined);
    if (socket.destroyed) return;
    if (this.closing) return refuse(503, 'The broadcast is ending.\n');
    if (!site) return refuse(404, this.options.unknownLink?.(target.secret) ?? NOT_FOUND);
    if (site.refusal !== undefined) return refuse(403, site.refusal);
    if (target.kind === 'stream') {
      if (!site.stream) return refuse(404, NOT_FOUND);
      return site.stream(req, socket, head, site);
    }
    if (!isOwnOrigin(header(req, 'origin'), header(req, 'host'), this.tls)) {
      return refuse(403, "This socket is for the broadcast's own page only (the request's Origin is another site's).\n");
    }
    const secret = target.secret;
    const address = normalizeAddress(socket.remoteAddress);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, socket, address, secret, site));
  }

  private onSocket(ws: WebSocket, socket: Socket, address: string, secret: string, site: S): void {
    // Counted only once nothing else refuses it: a refused socket is never counted, so never released.
    const refusal = this.closing ? 'Guest Broadcast: the broadcast is ending.' : site.limits.admit(address);
    if (refusal) {
      // Admitted as a socket only to be told why, so the page shows it instead of a bare failure.
      ws.on('error', () => undefined);
      ws.send(JSON.stringify({ type: 'end', reason: 'refused', message: refusal }));
      ws.close(1013, 'try again later');
      setTimeout(() => ws.terminate(), 2000).unref();
      return;
    }
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    const guest = new WebGuest(ws, {
      id: `web-${this.nextId++}`,
      address: `${address}:${socket.remotePort ?? 0}`,
      secret,
      session: site.session,
      groups: site.groups,
      hostSize: site.hostSize,
      checkPassphrase: site.checkPassphrase,
      maxAuthAttempts: this.options.maxAuthAttempts,
      handshakeTimeoutMs: this.options.handshakeTimeoutMs,
      messagesPerSecond: this.options.messagesPerSecond ?? WEB_DEFAULTS.messagesPerSecond,
      socket,
    });
    this.guests.add(guest);
    guest.on('closed', () => {
      this.guests.delete(guest);
      site.limits.release(address);
    });
    this.options.onGuest(guest, site);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Waits for `promise`, at most `ms`. */
export function bounded(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    void promise.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
