// The browser route: guests watch from a web page with nothing installed, behind a secret link.
// The serving part (http/https, the page, its assets, the page's WebSocket, each socket a
// WebGuest) is webServer.ts, shared with relays (`relay --web`); this route feeds it the
// broadcast's own fan-out, bounds and passphrase, and keeps the link secret.
//
// READ-ONLY: every page message goes through parsePageMessage in webGuest.ts (the one place page
// input is read: a size or the passphrase, nothing else); guests see the broadcast through their
// size group's read-only tmux client (fanout/readOnlyTerminal.ts, the one place it is spawned).
import { Disposable, ListenerList } from '../../listeners';
import { assertSupported, TmuxVersion } from '../../tmux/version';
import { SizeGroups } from '../fanout/sizeGroups';
import { Guest } from '../guests';
import { ConnectionLimits, connectionLimitsFor } from '../connectionLimits';
import { EMBEDDED_DEFAULTS } from '../embedded/options';
import { hostSizeFor, HostSizeScope } from '../fanout/hostSizeFeed';
import { secretsEqual } from '../embedded/access';
import { loadOrCreatePassphrase, readPassphrase } from '../embedded/passphrase';
import { setMarkers } from '../../tmux/broadcastSession';
import type { Tmux } from '../../tmux/tmux';
import { formatListen, ListenAddress } from '../embedded/listen';
import { LOST_EXIT_STATUS, Route, RouteContext, RouteDescription, RouteReport } from '../routes/route';
import { fanoutFor } from '../fanout/sharedFanout';
import { LinkSecretStore } from './linkSecret';
import { AssetStore, defaultAssetDir } from './webAssets';
import { describeWebExposure, webPageLink, webStreamLink } from './webLink';
import { parseWebListen, WebRouteOptions, webHandshakeTimeoutMs } from './webOptions';
import { bounded, StreamUpgrade, WebServer, WebSite } from './webServer';
import type { WebGuest } from './webGuest';

export type { StreamContext, StreamUpgrade } from './webServer';

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
  private readonly server: WebServer;
  private readonly listeners = new ListenerList<[]>();
  private groups: SizeGroups | undefined;
  /** This route's share of the broadcast's host-size feed (the recording and the SSH route share it). */
  private hostSize: HostSizeScope | undefined;
  private session = '';
  private tmux: Tmux | undefined;
  private bound: ListenAddress;
  private unwatchSecret: (() => void) | undefined;
  private knownSecret: string | undefined;
  private closing = false;

  constructor(
    private readonly options: WebRouteOptions,
    private readonly shared: WebRouteShared = {},
  ) {
    this.bound = parseWebListen(options.listen, options.names?.web);
    this.secret = new LinkSecretStore(options.stateDir);
    this.knownSecret = this.secret.current();
    this.assets = new AssetStore(options.assetDir ?? defaultAssetDir());
    const maxViewers = options.maxViewers ?? EMBEDDED_DEFAULTS.maxViewers;
    this.server = new WebServer({
      listen: this.bound,
      listenName: options.names?.web ?? '--web',
      tls: options.tls,
      assets: this.assets,
      maxConnections: maxViewers + 64,
      maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? EMBEDDED_DEFAULTS.maxConnectionsPerAddress,
      headersTimeoutMs: options.headersTimeoutMs,
      requestTimeoutMs: options.requestTimeoutMs,
      maxAuthAttempts: options.maxAuthAttempts ?? EMBEDDED_DEFAULTS.maxAuthAttempts,
      handshakeTimeoutMs: webHandshakeTimeoutMs(options),
      messagesPerSecond: options.messagesPerSecond,
      find: (secret) => (this.secret.matches(secret) ? this.site() : undefined),
      beforeRequest: () => this.noticeSecretChange(),
      onGuest: (guest) => this.onGuest(guest),
    });
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
    await this.server.listen();
    this.bound = this.server.address;
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
    for (const g of this.server.guests) {
      if (g.since) out.push({ name: g.id, user: g.user, address: g.address, cols: g.cols, rows: g.rows, since: g.since, route: 'web' });
    }
    return out;
  }

  /** Flow figures per guest (tests, benchmarks): as EmbeddedGuestServer.flow(). */
  flow(): Array<{ name: string; drops: number; snapshots: number; maxBuffered: number }> {
    return [...this.server.guests].map((g) => ({ name: g.id, drops: g.feed.drops, snapshots: g.feed.snapshots, maxBuffered: g.feed.maxBuffered }));
  }

  sizeGroups(): Array<{ cols: number; rows: number; viewers: number; pid: number }> {
    return (this.groups?.list() ?? []).map((g) => ({ cols: g.cols, rows: g.rows, viewers: g.size, pid: g.pid }));
  }

  async kick(name: string, message: string): Promise<boolean> {
    const guest = [...this.server.guests].find((g) => g.id === name);
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
    // Each page is told why; 'lost' makes it reconnect by itself (the host comes back), 'stopped' not.
    await this.server.close((g) => g.end(exitStatus === 0 ? 'stopped' : 'lost', message));
  }

  onChange(listener: () => void): Disposable {
    return this.listeners.add(listener);
  }

  /** What the link opens: the broadcast's fan-out, bounds, host size and passphrase. */
  private site(): WebSite | undefined {
    const { groups, hostSize, limits } = this;
    if (!groups || !hostSize || !limits) return undefined;
    const stateDir = this.options.stateDir;
    return {
      session: this.session,
      groups,
      hostSize,
      limits,
      // Read at every attempt, as the SSH route does: a regenerated passphrase applies at once.
      checkPassphrase:
        this.options.access === 'password'
          ? (value) => {
              const expected = readPassphrase(stateDir);
              return expected !== undefined && secretsEqual(value, expected);
            }
          : undefined,
      stream: this.shared.stream,
    };
  }

  private onGuest(guest: WebGuest): void {
    guest.on('joined', () => {
      this.options.onJoin?.({ user: guest.user, address: guest.address });
      this.listeners.fire();
    });
    guest.on('resized', () => this.listeners.fire());
    guest.on('closed', (reason) => {
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
    for (const guest of [...this.server.guests]) {
      if (now === undefined || !secretsEqual(guest.secret, now)) {
        void guest.end('refused', 'Guest Broadcast: the host made a new link for this broadcast. Ask the host for it.');
      }
    }
    // status --json in other processes reads the link from the markers.
    if (this.tmux && !this.closing) void setMarkers(this.tmux, this.markers()).catch(() => undefined);
    this.listeners.fire();
  }
}
