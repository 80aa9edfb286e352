// Browser guests through a relay (`relay --web ADDR:PORT`): the host's own browser serving code
// (host/web/webServer.ts: the same page, assets, WebSocket protocol, bounds and headers) fed by
// this relay's groups of a broadcast instead of the host's size groups, as RelayServer feeds the
// embedded SSH code.
//
// THE LINK: http(s)://RELAY:PORT/w/<broadcast-id>/, the host's own link format with the broadcast
// id where the host's link secret goes. The page finds its socket next to itself (w/<id>/socket),
// the live stream is at w/<id>/stream, and Referrer-Policy: no-referrer keeps the id out of other
// sites' logs, all exactly as on the host. The id is the ticket (with --access below), as it is for `ssh <id>@RELAY`: it
// is at least 128 random bits unless the host named it, and the host's own link secret never
// leaves the host (a second secret on top of the id would admit nobody the id does not already
// admit over SSH). An id that is not registered gets a 404 saying so.
//
// ACCESS, as the host's registry entry says (relays enforce --access): an open broadcast's page
// watches at once; a password one asks for the passphrase, checked against the entry's verifier
// (the host's own page asks the same way); a keys one is refused with a 403 saying to watch with
// ssh and a listed key, as the host refuses --web with --access keys (browsers have no SSH keys).
// The live stream (/stream) has no way to ask for a passphrase: it is served for open broadcasts only.
//
// READ-ONLY: a page's messages are parsed by webGuest.ts (a size or the passphrase, nothing else);
// the relay publishes only requests, leases and presence.
import type { ListenAddress } from '../host/embedded/listen';
import { EMBEDDED_DEFAULTS } from '../host/embedded/options';
import { checkPassphrase } from '../host/embedded/passphraseVerifier';
import { AssetStore, defaultAssetDir } from '../host/web/webAssets';
import type { WebGuest } from '../host/web/webGuest';
import { webOrigin } from '../host/web/webLink';
import { bounded, WebServer, WebSite } from '../host/web/webServer';
import { asciicastStream } from '../host/web/streamViewer';
import { isBroadcastId, PresenceGuest } from '../wire/relayProtocol';
import type { RelayBroadcast } from './relayBroadcast';
import type { RelayServer } from './relayServer';

export interface RelayWebOptions {
  listen: ListenAddress;
  tls?: { cert: Buffer; key: Buffer };
  /** dist/media (the page's script and style); default found next to the running bundle. */
  assetDir?: string;
  handshakeTimeoutMs: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  onLog?: (line: string) => void;
}

/** What a page of an id that is not registered is told. */
export function unknownBroadcastPage(id: string): string {
  return `Guest Broadcast: no broadcast "${id}" is served through this relay: it has ended, or the link is mistyped. Ask the host for the link again.\n`;
}

/** What a page of a broadcast that admits only SSH keys is told. */
export function keysOnlyPage(id: string, sshAddress: string): string {
  const at = /^(.*):(\d+)$/.exec(sshAddress);
  const ssh = at ? `ssh -i YOUR_KEY -p ${at[2]} ${id}@${at[1]}` : `ssh -i YOUR_KEY -p PORT ${id}@RELAY`;
  return `Guest Broadcast: broadcast "${id}" admits only guests with an SSH key the host listed, and browsers have none. Watch it with ssh and your key: ${ssh}\n`;
}

/** A link's broadcast on this relay; `used`: the relay's side of it, once a socket asked for it. */
interface RelaySite extends WebSite {
  id: string;
  used: RelayBroadcast | undefined;
}

export class RelayWebServer {
  private readonly server: WebServer<RelaySite>;
  private readonly assets: AssetStore;
  /** The broadcast each page's socket watches. */
  private readonly watching = new Map<WebGuest, string>();

  constructor(
    private readonly relay: RelayServer,
    private readonly options: RelayWebOptions,
    maxGuests: number,
    maxPerAddress: number,
  ) {
    this.assets = new AssetStore(options.assetDir ?? defaultAssetDir());
    this.server = new WebServer({
      listen: options.listen,
      listenName: '--web',
      listenOwner: 'relay',
      tls: options.tls,
      assets: this.assets,
      maxConnections: maxGuests + 64,
      maxConnectionsPerAddress: maxPerAddress,
      headersTimeoutMs: options.headersTimeoutMs,
      requestTimeoutMs: options.requestTimeoutMs,
      // The embedded server's bound on wrong passphrases per connection (a password broadcast).
      maxAuthAttempts: EMBEDDED_DEFAULTS.maxAuthAttempts,
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      find: (id) => this.find(id),
      unknownLink: (id) => unknownBroadcastPage(id),
      onGuest: (guest, site) => this.onGuest(guest, site),
    });
    relay.addGuestSource((id) => this.presenceOf(id));
  }

  async listen(): Promise<void> {
    await this.server.listen();
    this.relay.webOrigin = this.origin;
  }

  get address(): ListenAddress {
    return this.server.address;
  }

  /** "http(s)://HOST:PORT" (a wildcard address as this machine's name): links add /w/<id>/. */
  get origin(): string {
    return webOrigin(this.server.address, this.server.tls);
  }

  /** The missing page files, if any (the page cannot run without them). */
  missingPageFiles(): string[] {
    return this.assets.missingPageFiles();
  }

  /** The browser guests watching broadcast `id` here (tests, as WebRoute.guestList()). */
  guestList(id: string): PresenceGuest[] {
    return this.presenceOf(id);
  }

  /** Flow figures per page (tests, benchmarks), as WebRoute.flow(). */
  flow(): Array<{ name: string; drops: number; snapshots: number; maxBuffered: number }> {
    return [...this.server.guests].map((g) => ({ name: g.id, drops: g.feed.drops, snapshots: g.feed.snapshots, maxBuffered: g.feed.maxBuffered }));
  }

  /** Ends every page with `message` ('lost': pages keep trying, and find this relay or its successor back). */
  async close(message: string): Promise<void> {
    await this.server.close((g) => bounded(g.end('lost', message), 3000));
  }

  /**
   * The broadcast a link names, if registered. Its groups and host size are taken from the relay
   * only when a socket uses them: a page request looks the id up and holds nothing.
   */
  private async find(id: string): Promise<RelaySite | undefined> {
    if (!isBroadcastId(id)) return undefined;
    const entry = await this.relay.lookUp(id);
    if (!entry) return undefined;
    const site: RelaySite = {
      id,
      used: undefined,
      session: entry.session,
      limits: this.relay.limits,
      ...(entry.access === 'open' ? { stream: this.stream } : {}),
      ...(entry.access === 'password' ? { checkPassphrase: (value: string) => checkPassphrase(entry.verifier, value) } : {}),
      ...(entry.access === 'keys' ? { refusal: keysOnlyPage(id, this.relay.sshAddress) } : {}),
      groups: { place: (...args) => broadcast().place(...args) },
      hostSize: { subscribe: (listener) => broadcast().hostSize.subscribe(listener) },
    };
    // The broadcast as the relay has it now (made again if it went idle meanwhile).
    const broadcast = (): RelayBroadcast => {
      const b = this.relay.broadcastFor(id, entry);
      if (site.used !== b && entry.cols > 0 && entry.rows > 0) b.hostSize.changed({ cols: entry.cols, rows: entry.rows });
      site.used = b;
      return b;
    };
    return site;
  }

  /** The live stream for asciinema-player (open broadcasts only: it cannot ask for a passphrase). */
  private readonly stream = asciicastStream();

  private onGuest(guest: WebGuest, site: RelaySite): void {
    this.watching.set(guest, site.id);
    guest.on('joined', () => {
      this.options.onLog?.(`a browser guest from ${guest.address} started watching`);
      site.used?.announce();
    });
    guest.on('resized', () => site.used?.announce());
    guest.on('closed', () => {
      this.watching.delete(guest);
      if (guest.since) this.options.onLog?.(`a browser guest from ${guest.address} stopped watching`);
      site.used?.announce();
      site.used?.idleCheck();
    });
  }

  private presenceOf(id: string): PresenceGuest[] {
    const out: PresenceGuest[] = [];
    for (const [g, b] of this.watching) {
      if (b === id && g.since) out.push({ name: g.id, user: g.user, address: g.address, cols: g.cols, rows: g.rows, since: g.since.toISOString() });
    }
    return out;
  }
}
