// The relay route: guests watch through stateless relays on NATS (`guest-broadcast relay`), so
// a host behind NAT is watched from anywhere and one machine's cores do not bound the audience.
// The flow and its messages are in src/wire/relayProtocol.ts.
//
// ITS READ-ONLY RULE:
//   - The host makes only outbound connections (to NATS). It subscribes to its requests (open,
//     snap, lease) and to relays' presence, each parsed by wire/relayProtocol.ts into a size
//     group to run (clamped by clampSize, capped by the broadcast's --max-size-groups), a screen
//     to send, a lease or a guest list. Nothing received is ever written to tmux: there is no
//     path from this file to a tmux client's input.
//   - What relays get is a size group's output, from the broadcast's one fan-out, whose tmux
//     client is spawned only by fanout/readOnlyTerminal.ts (`attach -r`, a ReadOnlyTerminal).
import type { NatsConnection, Msg, Subscription } from '@nats-io/nats-core';
import type { KV } from '@nats-io/kv';
import { Disposable, ListenerList } from '../../listeners';
import { setMarkers } from '../../tmux/broadcastSession';
import { assertSupported, TmuxVersion } from '../../tmux/version';
import { fanoutFor } from '../fanout/sharedFanout';
import { hostSizeFor, HostSizeScope } from '../fanout/hostSizeFeed';
import type { TerminalSize } from '../../wire/hostSize';
import type { SizeGroups } from '../fanout/sizeGroups';
import { guestTerm } from '../fanout/terminal';
import { clampSize } from '../guestWindow';
import type { Guest } from '../guests';
import type { AccessConfig } from '../embedded/access';
import { EMBEDDED_DEFAULTS } from '../embedded/options';
import { loadOrCreatePassphrase } from '../embedded/passphrase';
import { Route, RouteContext, RouteDescription, RouteReport } from '../routes/route';
import {
  ALIVE_MS,
  BROADCAST_ID_RULE,
  isBroadcastId,
  encodeControl,
  HEARTBEAT_MS,
  Kick,
  parseKickReply,
  REQUEST_TIMEOUT_MS,
  LEASE_MS,
  LEASE_RENEW_MS,
  NO_SUCH_GROUP,
  OpenReply,
  parseLeaseRequest,
  parseRegistryEntry,
  REGISTRY_TTL_MS,
  parseOpenRequest,
  parsePresence,
  parseSnapRequest,
  PROTOCOL_VERSION,
  RegistryEntry,
  subjects,
} from '../../wire/relayProtocol';
import { HostRelayGroup } from './hostRelayGroup';
import { closeNats, connectNats, NATS_FIELD_NAMES, registryFailure, NatsAuth, NatsOptionNames } from './natsConnection';
import { loadOrCreateRelayId, randomId } from './relayId';
import { RelayPresence } from './relayPresence';
import { RegistryAccessSource } from './registryAccess';
import { openRegistry } from './registryBucket';
import { relayWatchLine, relayWebLink, shownNatsUrls } from './relayWatch';

export interface RelayRouteOptions {
  /** NATS server URLs (nats://HOST:PORT), tried in turn. */
  urls: string[];
  /** The broadcast's id as the host named it (--relay-id); undefined: the random one in the state folder. */
  id?: string;
  /** NATS credentials and TLS (none: an open NATS on a trusted network). */
  auth?: NatsAuth;
  /** The options' names as the user gave them, for the messages of a refused connection. */
  optionNames?: NatsOptionNames;
  stateDir: string;
  /** Who may watch through relays (the broadcast's --access); default open. */
  access?: AccessConfig;
  maxSizeGroups?: number;
  appRoot?: string;
  onWarning?: (message: string) => void;
}

/** Markers recorded in tmux so other processes (status --json) find the relay part. */
export const RELAY_MARKERS = { url: 'relay-url', id: 'relay-id', watch: 'relay-watch', web: 'relay-web' } as const;

/** Groups run for relays at once, at most (besides the broadcast's own cap on sizes). */
const MAX_RELAY_GROUPS = 1000;
/** Tries to put the registry entry again after a reconnect, one a second (then the heartbeat goes on). */
const REREGISTER_ATTEMPTS = 10;
/** Requested sizes remembered as another group's (the cap on sizes maps many to one). */
const MAX_SIZE_ALIASES = 4096;

/** How long a starting host listens for another host's heartbeat under an id already registered. */
const ALIVE_CHECK_MS = ALIVE_MS * 2.5;
/** How long a starting host waits for a relay to answer its hello (none running: it starts anyway). */
const FIRST_RELAY_WAIT_MS = 1000;

export class RelayRoute implements Route {
  readonly kind = 'relay' as const;
  readonly guestsOpenSocket = false;
  private nc: NatsConnection | undefined;
  private kv: KV | undefined;
  private id = '';
  /** This process's token in its registry entries (RegistryEntry.owner): a stop deletes only its own entry. */
  private owner = '';
  private context: RouteContext | undefined;
  private groups: SizeGroups | undefined;
  /** Host relay groups by id, and by the clamped size a relay asked for. */
  private readonly byId = new Map<string, HostRelayGroup>();
  private readonly bySize = new Map<string, HostRelayGroup>();
  private readonly subs: Subscription[] = [];
  private readonly presence = new RelayPresence();
  private readonly access: RegistryAccessSource;
  private readonly listeners = new ListenerList<[]>();
  private timers: NodeJS.Timeout[] = [];
  private nextGroup = 1;
  private started = '';
  private closing = false;
  private shownWatch = '';
  private shownWeb = '';
  /** The host's size, told to relays (P.size and the registry) for their browser guests' fit mode. */
  private hostSize: HostSizeScope | undefined;
  private size: TerminalSize | undefined;
  /** Whether the NATS link is up now (nats.js reconnects by itself; its status events say when). */
  private linkUp = true;
  /** Back on NATS, putting the entry again: the regular heartbeat waits (relays recover on it). */
  private reregistering = false;

  constructor(readonly options: RelayRouteOptions) {
    // The options parser checks --relay-id; this catches a caller that built the options itself
    // (an id relays could never find would register a broadcast nobody can watch).
    if (options.id !== undefined && !isBroadcastId(options.id)) throw new Error(`The relay id "${options.id}" is not a valid id: ${BROADCAST_ID_RULE}.`);
    this.access = new RegistryAccessSource(options.access ?? { policy: 'open', stateDir: options.stateDir }, options.onWarning);
  }

  check(version: TmuxVersion): void {
    // Relay guests watch through the same size groups (tmux attach -r) as embedded SSH guests.
    assertSupported(version, 'embedded');
  }

  initialMarkers(): Record<string, string> {
    return {};
  }

  get broadcastId(): string {
    return this.id;
  }

  get url(): string {
    return shownNatsUrls(this.options.urls);
  }

  /** What a guest types to watch through a relay (a placeholder host until a relay announced itself). */
  get watch(): string {
    return relayWatchLine(this.id, this.presence.anySshAddress());
  }

  /** The browser link through a relay that serves browser guests (`relay --web`); '' until one announced itself. */
  get web(): string {
    return relayWebLink(this.id, this.presence.anyWebOrigin());
  }

  async start(context: RouteContext): Promise<RouteReport> {
    this.context = context;
    this.id = this.options.id ?? loadOrCreateRelayId(this.options.stateDir);
    this.owner = randomId();
    this.groups = fanoutFor(context, { maxGroups: this.options.maxSizeGroups ?? EMBEDDED_DEFAULTS.maxSizeGroups, appRoot: this.options.appRoot });
    // Loaded only now: a broadcast without relays never loads the NATS client.
    const nc = await connectNats(this.options.urls, this.options.auth ?? {}, `guest-broadcast host ${this.id.slice(0, 6)}`, this.options.optionNames ?? { ...NATS_FIELD_NAMES, urls: '--relay' }, subjects.hostInbox(this.id));
    this.nc = nc;
    try {
      this.kv = await openRegistry(nc);
    } catch (error) {
      await nc.close().catch(() => undefined);
      throw new Error(registryFailure(this.url, error as Error));
    }
    const taken = await this.takenBy(this.kv, nc);
    if (taken) {
      await nc.close().catch(() => undefined);
      throw new Error(taken);
    }
    // The passphrase relays check is the broadcast's own, made here if no other route made it yet.
    if (this.options.access?.policy === 'password') loadOrCreatePassphrase(this.options.access.stateDir);
    this.started = new Date().toISOString();
    this.serve(nc);
    void this.followLink(nc);
    await this.register();
    this.hostSize = hostSizeFor(context).scope();
    this.hostSize.subscribe((size) => this.hostSizeChanged(size));
    this.alive();
    // Which relays serve this broadcast (they answer with their addresses): the watch line names
    // one from the start, not only after a first guest came through it.
    this.hello();
    await this.firstRelayAnswer(FIRST_RELAY_WAIT_MS);
    // Stopped during that wait: no timers nobody would clear.
    if (this.closing) return { applied: [], warnings: [] };
    this.timers.push(
      setInterval(() => {
        void this.register();
        this.hello();
      }, HEARTBEAT_MS),
    );
    this.timers.push(setInterval(() => this.expire(), LEASE_RENEW_MS));
    this.timers.push(setInterval(() => this.alive(), ALIVE_MS));
    for (const t of this.timers) t.unref();
    return { applied: [`registered on NATS ${this.url} as ${this.id}`], warnings: [] };
  }

  async serverRestarted(): Promise<undefined> {
    return undefined; // size groups attach by socket path: the next open finds the new server
  }

  describe(): RouteDescription {
    return { kind: 'relay', join: this.watch, listen: null, stateDir: this.options.stateDir };
  }

  markers(): Record<string, string> {
    return { [RELAY_MARKERS.url]: this.url, [RELAY_MARKERS.id]: this.id, [RELAY_MARKERS.watch]: this.watch, [RELAY_MARKERS.web]: this.web };
  }

  async guests(): Promise<Guest[]> {
    return this.presence.guests();
  }

  /**
   * Ends a relay guest's view: `name` as the viewer list shows it ("RELAY/guest-N"). Only a guest
   * in the list (a relay announced it) is asked for; the relay named ends it and answers, so true
   * means the guest is gone, not only that a message went out.
   */
  async kick(name: string, message: string): Promise<boolean> {
    const nc = this.nc;
    const slash = name.indexOf('/');
    if (!nc || this.closing || slash < 0 || !this.presence.guests().some((g) => g.name === name)) return false;
    const kick: Kick = { relay: name.slice(0, slash), guest: name.slice(slash + 1), message };
    try {
      const reply = await nc.request(subjects.kick(this.id), encodeControl(kick), { timeout: REQUEST_TIMEOUT_MS });
      const kicked = parseKickReply(reply.string());
      if (kicked && this.presence.forget(name)) this.listeners.fire();
      return kicked;
    } catch {
      return false; // the relay is gone or did not answer: its presence will say
    }
  }

  /** The groups run for relays now (tests): id, size, size group's tmux client pid, frames sent. */
  relayGroups(): Array<{ id: string; cols: number; rows: number; pid: number; seq: number; relays: number }> {
    return [...this.byId.values()].map((g) => ({ id: g.id, cols: g.group?.cols ?? 0, rows: g.group?.rows ?? 0, pid: g.group?.pid ?? 0, seq: g.sink.seq, relays: g.leases.size }));
  }

  /** The NATS server ("host:port") the host is connected to now (tests: which cluster node). */
  natsServer(): string {
    return this.nc?.getServer() ?? '';
  }

  /** The broadcast's size groups (all routes'), as WebRoute.sizeGroups() shows them (tests). */
  sizeGroups(): Array<{ cols: number; rows: number; viewers: number; pid: number }> {
    return (this.groups?.list() ?? []).map((g) => ({ cols: g.cols, rows: g.rows, viewers: g.size, pid: g.pid }));
  }

  async stop(message: string): Promise<void> {
    await this.close(message, true);
  }

  async release(message: string): Promise<void> {
    // The broadcast lives on (another process may serve it): relays' guests are told the host's
    // connection went away; the registry entry stays until its TTL unless a new host refreshes it.
    await this.close(message, false);
  }

  onChange(listener: () => void): Disposable {
    return this.listeners.add(listener);
  }

  private serve(nc: NatsConnection): void {
    const id = this.id;
    const on = (subject: string, handle: (msg: Msg) => void): void => {
      this.subs.push(nc.subscribe(subject, {
          callback: (err, msg) => {
            if (!err && !this.closing) handle(msg);
          },
        }));
    };
    on(subjects.open(id), (msg) => msg.reply && msg.respond(encodeControl(this.open(msg.string()))));
    on(subjects.snap(id), (msg) => void this.snap(msg));
    on(subjects.lease(id), (msg) => {
      const req = parseLeaseRequest(msg.string());
      if (!req) return void (msg.reply && msg.respond(encodeControl({ ok: false, error: 'not a lease request' })));
      const now = Date.now();
      const until = now + LEASE_MS;
      for (const gid of req.release) {
        const group = this.byId.get(gid);
        group?.leases.delete(req.relay);
        if (group && !group.held(now)) group.leave();
      }
      const gone: string[] = [];
      for (const gid of req.groups) {
        const group = this.byId.get(gid);
        if (group) group.hold(req.relay, until);
        else gone.push(gid);
      }
      if (msg.reply) msg.respond(encodeControl({ ok: true, gone }));
    });
    on(subjects.presence(id), (msg) => {
      const presence = parsePresence(msg.string());
      if (!presence) return;
      if (this.presence.record(presence, presence.ssh)) this.listeners.fire();
      void this.updateWatchMarker();
    });
  }

  private open(text: string): OpenReply {
    const req = parseOpenRequest(text);
    if (!req) return { ok: false, error: 'not an open request' };
    const groups = this.groups;
    if (!groups) return { ok: false, error: 'the host is not serving relays' };
    const size = clampSize(req.cols, req.rows);
    const term = guestTerm(req.term);
    const key = `${size.cols}x${size.rows} ${term}`;
    const until = Date.now() + LEASE_MS;
    const known = this.bySize.get(key);
    if (known?.group?.running) {
      known.hold(req.relay, until);
      return { ok: true, group: known.id, cols: known.group.cols, rows: known.group.rows, term: known.group.term };
    }
    if (this.byId.size >= MAX_RELAY_GROUPS) return { ok: false, error: 'the host serves as many relay groups as it can' };
    const made = new HostRelayGroup(`g${this.nextGroup++}`, this.id, this.requireNc(), (g) => this.forget(g));
    let notice: string | undefined;
    try {
      const placement = groups.place(made, size.cols, size.rows, term, (text) => (notice = text));
      made.group = placement.group;
    } catch (error) {
      return { ok: false, error: `the host cannot show the broadcast right now (${(error as Error).message.split('\n')[0]})` };
    }
    // The cap on sizes may have put it in a group another relay group already feeds: share that one.
    const twin = [...this.byId.values()].find((g) => g.group === made.group);
    if (twin) {
      made.group?.remove(made);
      twin.hold(req.relay, until);
      // Remembered for the next ask of this size, within a bound (any NATS client may ask sizes).
      if (this.bySize.size < MAX_SIZE_ALIASES) this.bySize.set(key, twin);
      return { ok: true, group: twin.id, cols: twin.group?.cols ?? size.cols, rows: twin.group?.rows ?? size.rows, term: twin.group?.term ?? term, ...(notice ? { notice } : {}) };
    }
    made.hold(req.relay, until);
    this.byId.set(made.id, made);
    this.bySize.set(key, made);
    const group = made.group;
    return { ok: true, group: made.id, cols: group?.cols ?? size.cols, rows: group?.rows ?? size.rows, term: group?.term ?? term, ...(notice ? { notice } : {}) };
  }

  private async snap(msg: Msg): Promise<void> {
    if (!msg.reply) return;
    const req = parseSnapRequest(msg.string());
    const group = req && this.byId.get(req.group);
    const reply = group ? await group.snapshot() : { ok: false, error: req ? NO_SUCH_GROUP : 'not a snapshot request' };
    try {
      msg.respond(encodeControl(reply));
    } catch {
      // the connection is closing
    }
  }

  private forget(group: HostRelayGroup): void {
    if (this.byId.get(group.id) === group) this.byId.delete(group.id);
    for (const [key, g] of this.bySize) if (g === group) this.bySize.delete(key);
  }

  /** Asks relays to say they serve this broadcast (P.hello; they answer on P.presence). */
  private hello(): void {
    if (!this.linkUp || this.closing || !this.nc) return;
    try {
      this.nc.publish(subjects.hello(this.id), encodeControl({}));
    } catch {
      // the link went down meanwhile: asked again when it is back
    }
  }

  /** Waits (bounded) for a first relay to answer the hello, so the banner's watch line is one to use. */
  private async firstRelayAnswer(ms: number): Promise<void> {
    for (let waited = 0; waited < ms && !this.presence.anySshAddress() && !this.closing; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50).unref());
    }
  }

  /** The heartbeat relays watch for (wire/relayProtocol.ts P.alive); none while the link is down. */
  private alive(): void {
    if (!this.linkUp || this.reregistering || this.closing || !this.nc) return;
    try {
      this.nc.publish(subjects.alive(this.id), encodeControl({}));
    } catch {
      // the link went down meanwhile: its status event follows
    }
  }

  /**
   * Follows the NATS link through drops. nats.js reconnects (to any server of the list or the
   * cluster) and subscribes again by itself; back on NATS, the host puts its registry entry at
   * once (its TTL may have lapsed), holds every group for another LEASE_MS (relays' leases could
   * not reach it meanwhile), lets its group feeds write again, and beats so relays recover now.
   */
  private async followLink(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (this.closing) return;
      if (status.type === 'disconnect') {
        this.linkUp = false;
        this.options.onWarning?.(`Lost the link to NATS (${shownNatsUrls([status.server])}); relay guests are told the host's connection is interrupted until it is back.`);
      } else if (status.type === 'reconnect') {
        this.linkUp = true;
        const until = Date.now() + LEASE_MS;
        for (const group of this.byId.values()) {
          for (const relay of group.leases.keys()) group.hold(relay, until);
          group.sink.reconnected();
        }
        // The entry first (briefly awaited), then the heartbeat that makes relays recover: a guest
        // who sees the broadcast again can tell others to log in. A cluster electing the bucket's
        // leader may take longer: then the heartbeat goes first and the entry follows.
        this.reregistering = true;
        const put = this.registerAgain();
        await Promise.race([put, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
        this.reregistering = false;
        this.alive();
        this.hello();
        this.options.onWarning?.(`Back on NATS (${shownNatsUrls([status.server])}); relay guests see the broadcast again.`);
      }
    }
  }

  /** Ends groups no relay holds any more; forgets relays gone quiet. */
  private expire(): void {
    // While the link is down no lease can arrive: nothing is ended for that.
    if (!this.linkUp) return;
    const now = Date.now();
    for (const group of [...this.byId.values()]) if (!group.held(now)) group.leave();
    if (this.presence.expire(now)) this.listeners.fire();
  }

  /**
   * Why the id cannot be this broadcast's: another host broadcasts under it now (a second host
   * given the same --relay-id would take its guests, and end them when it stops). Live means
   * beating: a host beats on P.alive every ALIVE_MS, so an id with a registry entry (or one this
   * user may not read) is listened to for ALIVE_CHECK_MS first. An entry whose host no longer
   * beats (it crashed; the same host restarted) is taken over. undefined: free.
   */
  private async takenBy(kv: KV, nc: NatsConnection): Promise<string | undefined> {
    const found = await this.readEntry(kv);
    if (found === null) return undefined;
    const beat = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        sub.unsubscribe();
        resolve(false);
      }, ALIVE_CHECK_MS);
      const sub = nc.subscribe(subjects.alive(this.id), {
        callback: () => {
          clearTimeout(timer);
          sub.unsubscribe();
          resolve(true);
        },
      });
    });
    if (!beat) return undefined;
    const what = found ? `, session "${found.session}"` : '';
    return `The relay id "${this.id}" is in use on NATS ${this.url} by another host that is broadcasting now${what}. Give this broadcast another --relay-id, or stop that host first.`;
  }

  /** The registry entry under this id: null when there is none, undefined when it cannot be read (NATS permissions may not allow it). */
  private async readEntry(kv: KV): Promise<RegistryEntry | null | undefined> {
    try {
      const found = await kv.get(this.id);
      if (!found || found.operation !== 'PUT') return null;
      return parseRegistryEntry(found.string());
    } catch {
      return undefined;
    }
  }

  /** Puts the registry entry; false (after a warning, when `warn`) when NATS did not take it. */
  private async register(warn = true): Promise<boolean> {
    if (!this.kv || this.closing || !this.context) return true;
    try {
      const entry: RegistryEntry = { v: PROTOCOL_VERSION, session: this.context.sessionName, cols: this.size?.cols ?? 0, rows: this.size?.rows ?? 0, started: this.started, owner: this.owner, ...(await this.access.current()) };
      await this.kv.put(this.id, JSON.stringify(entry));
      return true;
    } catch (error) {
      if (warn) this.options.onWarning?.(`Could not refresh the relay registry on ${this.url}: ${(error as Error).message}`);
      return false;
    }
  }

  /** Registers again after a reconnect: a cluster that lost a node may need a few seconds to elect the bucket's new leader. */
  private async registerAgain(): Promise<void> {
    for (let attempt = 1; attempt <= REREGISTER_ATTEMPTS && this.linkUp && !this.closing; attempt++) {
      if (await this.register(attempt === REREGISTER_ATTEMPTS)) return;
      await new Promise((resolve) => setTimeout(resolve, 1000).unref());
    }
  }

  private async updateWatchMarker(): Promise<void> {
    const watch = this.watch;
    const web = this.web;
    if ((watch === this.shownWatch && web === this.shownWeb) || !this.context || this.closing) return;
    this.shownWatch = watch;
    this.shownWeb = web;
    await setMarkers(this.context.tmux, { [RELAY_MARKERS.watch]: watch, [RELAY_MARKERS.web]: web }).catch(() => undefined);
  }

  /** Relays' browser guests follow the host's size: said at once, and kept in the registry for relays that come later. */
  private hostSizeChanged(size: TerminalSize): void {
    this.size = size;
    if (this.closing || !this.nc) return;
    try {
      this.nc.publish(subjects.size(this.id), encodeControl({ cols: size.cols, rows: size.rows }));
    } catch {
      // NATS is reconnecting: the registry's next refresh carries it
    }
    void this.register();
  }

  private requireNc(): NatsConnection {
    if (!this.nc) throw new Error('The relay route has not started.');
    return this.nc;
  }

  private async close(message: string, ended: boolean): Promise<void> {
    if (this.closing) return;
    this.hostSize?.stop();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    // Each group's tmux client says the farewell first (as for SSH guests), so relays' guests get
    // it in their stream; then the group's end frame follows from onGroupExit.
    if (ended) await this.groups?.endAll(message);
    this.closing = true;
    for (const group of [...this.byId.values()]) group.leave(ended ? 0 : 1);
    const nc = this.nc;
    if (!nc) return;
    for (const sub of this.subs) sub.unsubscribe();
    if (!this.linkUp) {
      // Each request would wait for its timeout: the stop says so instead of hanging for seconds.
      if (ended) this.options.onWarning?.(`NATS (${this.url}) is unreachable: relay guests read that the broadcast ended once its registry entry lapses (within ${Math.round(REGISTRY_TTL_MS / 1000)} s).`);
      await closeNats(nc, 200);
      return;
    }
    try {
      // The entry goes first: relays believe an `ended` only once the registry agrees (anyone
      // allowed to publish under the prefix could send one).
      // Not when the entry is positively another host's (one that took the id over after this
      // host lost its link for longer than the entry's TTL).
      const entry = this.kv ? await this.readEntry(this.kv) : null;
      if (ended && (!entry || entry.owner === this.owner)) await this.kv?.delete(this.id);
      nc.publish(subjects.ended(this.id), encodeControl({ message, ended }));
      await nc.flush();
    } catch {
      // NATS is gone: the registry entry expires by its TTL
    }
    await closeNats(nc);
  }
}
