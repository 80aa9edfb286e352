// The browser route: guests watch from a web page with nothing installed. A Node http (or https)
// server serves the page behind a secret link, its assets, and the page's WebSocket
// (src/wire/webGuestProtocol.ts); each socket is a WebGuest in the shared fan-out.
//
// READ-ONLY: every page message goes through parsePageMessage in webGuest.ts (the one place page
// input is read: a size or the passphrase, nothing else); guests see the broadcast through their
// size group's read-only tmux client (fanout/readOnlyTerminal.ts, the one place it is spawned).
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { Disposable, ListenerList } from '../../listeners';
import { assertSupported, TmuxVersion } from '../../tmux/version';
import { MAX_PAGE_MESSAGE } from '../../wire/webGuestProtocol';
import { SizeGroups } from '../fanout/sizeGroups';
import { Guest } from '../guests';
import { ConnectionLimits, connectionLimitsFor, normalizeAddress } from '../connectionLimits';
import { EMBEDDED_DEFAULTS } from '../embedded/options';
import { hostSizeFor, HostSizeScope, type HostSizeSource } from '../fanout/hostSizeFeed';
import { secretsEqual } from '../embedded/access';
import { loadOrCreatePassphrase, readPassphrase } from '../embedded/passphrase';
import { setMarkers } from '../../tmux/broadcastSession';
import type { Tmux } from '../../tmux/tmux';
import { formatListen, ListenAddress } from '../embedded/listen';
import { listenOn } from '../embedded/listenOn';
import { LOST_EXIT_STATUS, Route, RouteContext, RouteDescription, RouteReport } from '../routes/route';
import { fanoutFor } from '../fanout/sharedFanout';
import { LinkSecretStore } from './linkSecret';
import { AssetStore, defaultAssetDir } from './webAssets';
import { handleWebRequest, NOT_FOUND, rawRefusal } from './webHttp';
import { describeWebExposure, webPageLink, webStreamLink } from './webLink';
import { isOwnOrigin } from './webOrigin';
import { parseWebListen, WEB_DEFAULTS, WebRouteOptions, webHandshakeTimeoutMs } from './webOptions';
import { parseWebTarget } from './webPaths';
import { WebGuest } from './webGuest';

/** What the stream endpoint shares with the route: the broadcast's fan-out, its bounds, the host's size. */
export interface StreamContext {
  groups: SizeGroups;
  /** Count each stream viewer here (admit/release), as the route does its pages. */
  limits: ConnectionLimits;
  /** The host's terminal size and its changes (a stream watches at the host's size). */
  hostSize: HostSizeSource;
  session: string;
}

/**
 * The asciinema-compatible stream at /w/SECRET/stream (the live stream's sink, asciicastSink.ts):
 * handed the upgrade once the secret matched. Any Origin is let through to it (it is meant to be
 * embedded in other sites' pages; the secret admits), so narrowing origins is its own option.
 */
export type StreamUpgrade = (req: IncomingMessage, socket: Socket, head: Buffer, context: StreamContext) => void;

/** What the route may share with the broadcast's other routes. */
export interface WebRouteShared {
  /** Viewer and per-address bounds counted together with the SSH guests. */
  limits?: ConnectionLimits;
  /** Serves /stream; without it, /stream is a 404 like any unknown path. */
  stream?: StreamUpgrade;
}

/** Markers recorded in tmux so other processes (status --json) find the link. */
export const WEB_MARKERS = { url: 'web-url', listen: 'web-listen', stream: 'web-stream' } as const;

export class WebRoute implements Route {
  readonly kind = 'web' as const;
  readonly guestsOpenSocket = false;
  private limits: ConnectionLimits | undefined;
  private readonly secret: LinkSecretStore;
  private readonly assets: AssetStore;
  private readonly wss: WebSocketServer;
  private readonly guestSet = new Set<WebGuest>();
  private readonly listeners = new ListenerList<[]>();
  /** Open TCP connections per address (pages, assets, sockets). */
  private readonly tcpPerAddress = new Map<string, number>();
  private server: Server | undefined;
  private groups: SizeGroups | undefined;
  /** This route's share of the broadcast's host-size feed (the recording and the SSH route share it). */
  private hostSize: HostSizeScope | undefined;
  private session = '';
  private tmux: Tmux | undefined;
  private bound: ListenAddress;
  private unwatchSecret: (() => void) | undefined;
  private knownSecret: string | undefined;
  private nextId = 1;
  private closing = false;

  constructor(
    private readonly options: WebRouteOptions,
    private readonly shared: WebRouteShared = {},
  ) {
    this.bound = parseWebListen(options.listen, options.names?.web);
    this.secret = new LinkSecretStore(options.stateDir);
    this.knownSecret = this.secret.current();
    this.assets = new AssetStore(options.assetDir ?? defaultAssetDir());
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAGE_MESSAGE, perMessageDeflate: false, clientTracking: false });
  }

  check(version: TmuxVersion): void {
    // Web guests watch through the same size groups (tmux attach -r) as embedded SSH guests.
    assertSupported(version, 'embedded');
  }

  initialMarkers(): Record<string, string> {
    return {};
  }

  async start(context: RouteContext): Promise<RouteReport> {
    this.session = context.sessionName;
    // The broadcast's one fan-out and bounds: browser and SSH guests of one size share a tmux
    // client, and --max-viewers / --max-per-address count both kinds together.
    this.groups = fanoutFor(context, { maxGroups: this.options.maxSizeGroups ?? EMBEDDED_DEFAULTS.maxSizeGroups, appRoot: this.options.appRoot });
    this.limits =
      this.shared.limits ??
      connectionLimitsFor(context, this.options.maxViewers ?? EMBEDDED_DEFAULTS.maxViewers, this.options.maxConnectionsPerAddress ?? EMBEDDED_DEFAULTS.maxConnectionsPerAddress);
    this.hostSize = hostSizeFor(context).scope();
    this.tmux = context.tmux;
    // The same passphrase as the SSH route's, made on first use.
    if (this.options.access === 'password') loadOrCreatePassphrase(this.options.stateDir);
    await this.listen();
    this.unwatchSecret = this.secret.watch(() => this.secretChanged());
    const report: RouteReport = { applied: [describeWebExposure(this.bound, this.tls).line], warnings: [] };
    const { warning } = describeWebExposure(this.bound, this.tls);
    if (warning) report.warnings.push(warning);
    const missing = this.assets.missingPageFiles();
    if (missing.length) {
      report.warnings.push(`the browser page's files ${missing.join(', ')} are missing from ${this.assets.dir}: the page cannot run. Build them (node esbuild.mjs) or reinstall.`);
    }
    return report;
  }

  async serverRestarted(): Promise<undefined> {
    // Size groups attach to the broadcast's socket by path: a new server is found by the next join.
    return undefined;
  }

  get access(): 'open' | 'password' {
    return this.options.access;
  }

  get stateDir(): string {
    return this.options.stateDir;
  }

  /** The start output's line about who can reach the page. */
  get exposure(): string {
    return describeWebExposure(this.bound, this.tls).line;
  }

  get tls(): boolean {
    return this.options.tls !== undefined;
  }

  get listenAddress(): string {
    return formatListen(this.bound);
  }

  get port(): number {
    return this.bound.port;
  }

  /** The page link with the current secret. */
  get url(): string {
    return webPageLink(this.bound, this.tls, this.secret.current() ?? '(no link: guest-broadcast web-link --regenerate)');
  }

  /** The live stream's link; empty when the broadcast serves none (it asks a passphrase). */
  get streamUrl(): string {
    if (!this.shared.stream) return '';
    return webStreamLink(this.bound, this.tls, this.secret.current() ?? '(no link)');
  }

  describe(): RouteDescription {
    return { kind: 'web', join: this.url, listen: this.listenAddress, stateDir: this.options.stateDir, stream: this.streamUrl };
  }

  markers(): Record<string, string> {
    return { [WEB_MARKERS.url]: this.url, [WEB_MARKERS.listen]: this.listenAddress, [WEB_MARKERS.stream]: this.streamUrl };
  }

  async guests(): Promise<Guest[]> {
    return this.guestList();
  }

  /** The web guests watching now (synchronous: the route knows them in-process). */
  guestList(): Guest[] {
    const out: Guest[] = [];
    for (const g of this.guestSet) {
      if (g.since) out.push({ name: g.id, user: g.user, address: g.address, cols: g.cols, rows: g.rows, since: g.since, route: 'web' });
    }
    return out;
  }

  /** Flow figures per guest (tests, benchmarks): as EmbeddedGuestServer.flow(). */
  flow(): Array<{ name: string; drops: number; snapshots: number; maxBuffered: number }> {
    return [...this.guestSet].map((g) => ({ name: g.id, drops: g.feed.drops, snapshots: g.feed.snapshots, maxBuffered: g.feed.maxBuffered }));
  }

  sizeGroups(): Array<{ cols: number; rows: number; viewers: number; pid: number }> {
    return (this.groups?.list() ?? []).map((g) => ({ cols: g.cols, rows: g.rows, viewers: g.size, pid: g.pid }));
  }

  async kick(name: string, message: string): Promise<boolean> {
    const guest = [...this.guestSet].find((g) => g.id === name);
    if (!guest) return false;
    await bounded(guest.end('kicked', message), 3000);
    return true;
  }

  async stop(message: string): Promise<void> {
    await this.close(message, 0);
  }

  async release(message: string): Promise<void> {
    await this.close(message, LOST_EXIT_STATUS);
  }

  private async close(message: string, exitStatus: number): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.unwatchSecret?.();
    this.hostSize?.stop();
    const server = this.server;
    const stopped = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    // Each page is told why; 'lost' makes it reconnect by itself (the host comes back), 'stopped' not.
    await bounded(Promise.all([...this.guestSet].map((g) => g.end(exitStatus === 0 ? 'stopped' : 'lost', message))), 3000);
    server?.closeAllConnections();
    await stopped;
  }

  onChange(listener: () => void): Disposable {
    return this.listeners.add(listener);
  }

  private async listen(): Promise<void> {
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
    const server = this.options.tls
      ? // A TLS handshake that never finishes is cut as slow headers are (Node's default waits 120 s).
        createHttpsServer({ ...timeouts, handshakeTimeout: timeouts.headersTimeout, cert: this.options.tls.cert, key: this.options.tls.key })
      : createHttpServer(timeouts);
    this.server = server;
    // Before TLS or HTTP is spoken at all: TCP connections are bounded in total and per address.
    const maxViewers = this.options.maxViewers ?? EMBEDDED_DEFAULTS.maxViewers;
    server.maxConnections = maxViewers + 64;
    // (An https server emits 'connection' for the raw TCP socket too, before TLS.)
    server.on('connection', (socket: Socket) => this.onTcp(socket));
    server.on('request', (req, res) => {
      this.noticeSecretChange();
      if (this.closing) res.shouldKeepAlive = false;
      handleWebRequest(req, res, {
        assets: this.assets,
        secretMatches: (s) => this.secret.matches(s),
        session: this.session,
        passphrase: this.options.access === 'password',
      });
    });
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.onUpgrade(req, socket, head));
    server.on('clientError', (_error, socket: Socket) => socket.destroy());
    if (this.options.tls) server.on('tlsClientError', (_error, socket: Socket) => socket.destroy());
    this.bound = await listenOn(server, this.bound, this.options.names?.web ?? '--web');
  }

  private onTcp(socket: Socket): void {
    socket.on('error', () => undefined);
    const address = normalizeAddress(socket.remoteAddress);
    const mine = (this.tcpPerAddress.get(address) ?? 0) + 1;
    const allowed = (this.options.maxConnectionsPerAddress ?? EMBEDDED_DEFAULTS.maxConnectionsPerAddress) + WEB_DEFAULTS.extraConnectionsPerAddress;
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

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => undefined);
    this.noticeSecretChange();
    const target = parseWebTarget(req.url);
    const refuse = (status: 403 | 404 | 503, body: string): void => {
      socket.end(rawRefusal(status, body));
      setTimeout(() => socket.destroy(), 1000).unref();
    };
    if (this.closing || !this.groups || !this.hostSize) return refuse(503, 'The broadcast is ending.\n');
    if ((target.kind !== 'socket' && target.kind !== 'stream') || !this.secret.matches(target.secret)) return refuse(404, NOT_FOUND);
    if (target.kind === 'stream') {
      if (!this.shared.stream || !this.limits) return refuse(404, NOT_FOUND);
      return this.shared.stream(req, socket, head, { groups: this.groups, limits: this.limits, hostSize: this.hostSize, session: this.session });
    }
    if (!isOwnOrigin(header(req, 'origin'), header(req, 'host'), this.tls)) {
      return refuse(403, "This socket is for the broadcast's own page only (the request's Origin is another site's).\n");
    }
    const secret = target.secret;
    const address = normalizeAddress(socket.remoteAddress);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, socket, address, secret));
  }

  private onSocket(ws: WebSocket, socket: Socket, address: string, secret: string): void {
    const id = `web-${this.nextId++}`;
    const groups = this.groups;
    const hostSize = this.hostSize;
    const limits = this.limits;
    // Counted only once nothing else refuses it: a refused socket is never counted, so never released.
    const refusal = this.closing || !groups || !hostSize || !limits ? 'Guest Broadcast: the broadcast is ending.' : limits.admit(address);
    if (refusal || !groups || !hostSize || !limits) {
      // Admitted as a socket only to be told why, so the page shows it instead of a bare failure.
      ws.on('error', () => undefined);
      ws.send(JSON.stringify({ type: 'end', reason: 'refused', message: refusal }));
      ws.close(1013, 'try again later');
      setTimeout(() => ws.terminate(), 2000).unref();
      return;
    }
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    const stateDir = this.options.stateDir;
    const guest = new WebGuest(ws, {
      id,
      address: `${address}:${socket.remotePort ?? 0}`,
      secret,
      session: this.session,
      groups,
      hostSize,
      // Read at every attempt, as the SSH route does: a regenerated passphrase applies at once.
      checkPassphrase:
        this.options.access === 'password'
          ? (value) => {
              const expected = readPassphrase(stateDir);
              return expected !== undefined && secretsEqual(value, expected);
            }
          : undefined,
      maxAuthAttempts: this.options.maxAuthAttempts ?? EMBEDDED_DEFAULTS.maxAuthAttempts,
      handshakeTimeoutMs: webHandshakeTimeoutMs(this.options),
      messagesPerSecond: this.options.messagesPerSecond ?? WEB_DEFAULTS.messagesPerSecond,
      socket,
    });
    this.guestSet.add(guest);
    guest.on('joined', () => {
      this.options.onJoin?.({ user: guest.user, address: guest.address });
      this.listeners.fire();
    });
    guest.on('resized', () => this.listeners.fire());
    guest.on('closed', (reason) => {
      this.guestSet.delete(guest);
      limits.release(address);
      if (guest.since) {
        this.options.onLeave?.({ user: guest.user, address: guest.address, reason });
        this.listeners.fire();
      }
    });
  }

  /** A request noticed that the secret file changed (or the folder watch did): old links stop working. */
  private noticeSecretChange(): void {
    if (this.secret.current() !== this.knownSecret) this.secretChanged();
  }

  private secretChanged(): void {
    const now = this.secret.current();
    this.knownSecret = now;
    for (const guest of [...this.guestSet]) {
      if (now === undefined || !secretsEqual(guest.secret, now)) {
        void guest.end('refused', 'Guest Broadcast: the host made a new link for this broadcast. Ask the host for it.');
      }
    }
    // status --json in other processes reads the link from the markers.
    if (this.tmux && !this.closing) void setMarkers(this.tmux, this.markers()).catch(() => undefined);
    this.listeners.fire();
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Waits for `promise`, at most `ms`. */
function bounded(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    void promise.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
