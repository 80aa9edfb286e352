// The relay's SSH server: guests connect with `ssh -p PORT <broadcast-id>@RELAY`. The user name
// picks the broadcast (looked up in the NATS registry), whose entry also says who may log in
// (the host's --access: open, a passphrase verifier, public keys); the per-guest code is the
// embedded server's own (GuestConnection: its login decisions, only a session with pty-req, shell
// and window-change; GuestView: input read and dropped), fed by this relay's groups instead of
// local tmux clients.
//
// READ-ONLY: a relay has no path to any host's input at all: it publishes only requests, leases
// and presence, and answers the host's kicks (wire/relayProtocol.ts); its guests' input is
// dropped by GuestView.
import { createServer, Server as NetServer, Socket } from 'node:net';
import { hostname } from 'node:os';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import type { KV } from '@nats-io/kv';
import { Connection, Server as SshServer } from 'ssh2';
import { ConnectionLimits, normalizeAddress } from '../host/connectionLimits';
import type { GivenAccess } from '../host/embedded/access';
import { parseAuthorizedKeys } from '../host/embedded/authorizedKeys';
import { GuestConnection } from '../host/embedded/guestConnection';
import { EMBEDDED_DEFAULTS } from '../host/embedded/options';
import type { HostKey } from '../host/embedded/hostKey';
import { formatListen, isWildcard, ListenAddress } from '../host/embedded/listen';
import { listenOn } from '../host/embedded/listenOn';
import { RefusalDesk } from '../host/embedded/refusal';
import { BROADCAST_ID_RULE, isBroadcastId, parseRegistryEntry, PresenceGuest, RegistryEntry, subjects } from '../wire/relayProtocol';
import { RelayBroadcast } from './relayBroadcast';
import { RelayLink } from './relayLink';

/** Registry gets tried per login, a second apart (within the login's own time limit). */
const LOOKUP_ATTEMPTS = 4;
/** A relay answers one broadcast's hello at most this often (a host says it every HEARTBEAT_MS). */
const HELLO_ANSWER_MIN_MS = 1000;
const MAX_HELLO_IDS = 10_000;
/** How long a login may wait for its registry look-up (LOOKUP_ATTEMPTS, each a JetStream request and a second's pause). */
const LOOKUP_WAIT_MS = 40_000;

export interface RelayServerOptions {
  listen: ListenAddress;
  hostKey: HostKey;
  /** This relay's name in leases and presence. */
  name: string;
  maxGuests: number;
  maxPerAddress: number;
  handshakeTimeoutMs: number;
  onLog?: (line: string) => void;
}

export class RelayServer {
  private readonly tcp: NetServer;
  private readonly ssh: SshServer;
  private readonly refusals: RefusalDesk;
  /** Guests at once, in all and per address: SSH and browser guests (relayWebServer.ts) together. */
  readonly limits: ConnectionLimits;
  private readonly broadcasts = new Map<string, RelayBroadcast>();
  /** Connections by the broadcast they watch ('' until known). */
  private readonly connections = new Map<GuestConnection, string>();
  private readonly sockets = new Map<string, Socket>();
  /** Sockets still logging in, by "ip:port": the timer that drops them. */
  private readonly handshakes = new Map<string, NodeJS.Timeout>();
  private bound: ListenAddress;
  /** Where this relay's browser guests connect ("http(s)://host:port"; '' without --web), announced with presence. */
  webOrigin = '';
  /** Other guests of a broadcast on this relay (browser guests), listed in its presence. */
  private readonly otherGuests: Array<(id: string) => PresenceGuest[]> = [];
  private nextId = 1;
  private closing = false;
  private hellos: Subscription | undefined;
  /** When each broadcast's hello was last answered (bounded: cleared when full). */
  private readonly helloAnswered = new Map<string, number>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly kv: KV | undefined,
    private readonly options: RelayServerOptions,
  ) {
    this.bound = options.listen;
    this.limits = new ConnectionLimits(options.maxGuests, options.maxPerAddress);
    this.refusals = new RefusalDesk(options.hostKey.privateKey);
    this.ssh = new SshServer({ hostKeys: [options.hostKey.privateKey], ident: 'GuestBroadcastRelay' }, (client, info) => this.onSshClient(client, info.ip, info.port));
    this.tcp = createServer((socket) => this.onSocket(socket));
  }

  async listen(): Promise<void> {
    this.bound = await listenOn(this.tcp, this.bound, '--listen', 'relay');
    this.hellos = this.nc.subscribe(subjects.anyHello, {
      callback: (err, msg) => {
        if (!err) this.onHello(subjects.idOf(msg.subject));
      },
    });
  }

  /**
   * A host asks which relays serve it (P.hello): this relay answers with its presence for that
   * broadcast (its addresses, and its guests of it if any), at most once a second per broadcast.
   */
  private onHello(id: string): void {
    if (this.closing || !isBroadcastId(id)) return;
    const now = Date.now();
    if (now - (this.helloAnswered.get(id) ?? 0) < HELLO_ANSWER_MIN_MS) return;
    if (this.helloAnswered.size >= MAX_HELLO_IDS) this.helloAnswered.clear();
    this.helloAnswered.set(id, now);
    const served = this.broadcasts.get(id);
    if (served) return served.announce();
    // A broadcast this relay holds nothing of: its presence, through a link made for saying it.
    new RelayLink(this.nc, id, this.options.name).presence(this.sshAddress, this.webOrigin, this.presenceOf(id));
  }

  get listenAddress(): string {
    return formatListen(this.bound);
  }

  /** Where guests reach this relay, as announced to hosts (a wildcard address as this machine's name). */
  get sshAddress(): string {
    return `${isWildcard(this.bound.host) ? hostname() : this.bound.host}:${this.bound.port}`;
  }

  /** The broadcasts this relay serves now (tests: let go of once their last guest leaves). */
  get broadcastIds(): string[] {
    return [...this.broadcasts.keys()];
  }

  /** Per broadcast: its groups on this relay (tests). */
  groups(id: string): ReturnType<RelayBroadcast['groupList']> {
    return this.broadcasts.get(id)?.groupList() ?? [];
  }

  /** This relay's NATS link dropped (`false`) or is back (`true`): every broadcast is told (relayBroadcast.ts). */
  linkChanged(up: boolean): void {
    for (const b of this.broadcasts.values()) {
      if (up) b.linkUp();
      else b.linkDown();
    }
  }

  /** Ends every guest with `message` (Ctrl-C), then stops listening. */
  async close(message: string): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.hellos?.unsubscribe();
    const stopped = new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    await Promise.all([...this.connections.keys()].map((c) => c.end(message, 1)));
    for (const b of [...this.broadcasts.values()]) b.close(message, 1);
    for (const socket of this.sockets.values()) socket.destroy();
    await stopped;
  }

  private onSocket(socket: Socket): void {
    socket.on('error', () => undefined);
    if (this.closing) return void socket.destroy();
    const address = normalizeAddress(socket.remoteAddress);
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    this.sockets.set(key, socket);
    const refusal = this.limits.admit(address);
    // Login and asking for the view must finish in time.
    const timer = setTimeout(() => socket.destroy(), this.options.handshakeTimeoutMs);
    timer.unref();
    this.handshakes.set(key, timer);
    socket.once('close', () => {
      clearTimeout(this.handshakes.get(key) ?? timer); // (extended for a passphrase: another timer)
      this.handshakes.delete(key);
      if (this.sockets.get(key) === socket) this.sockets.delete(key);
      if (!refusal) this.limits.release(address);
    });
    if (refusal) return this.refusals.refuse(socket, refusal);
    this.ssh.injectSocket(socket);
  }

  private onSshClient(client: Connection, ip: string, port: number): void {
    const key = `${ip}:${port}`;
    const socket = this.sockets.get(key);
    const connection: GuestConnection = new GuestConnection(client, {
      id: `guest-${this.nextId++}`,
      address: `${normalizeAddress(ip)}:${port}`,
      // Unused: accessFor gives each login the access of the broadcast its user name names.
      access: { policy: 'open', stateDir: '' },
      accessFor: async (user) => {
        // The registry look-up may be asked again for a while (a cluster node that just died, this
        // relay reconnecting): the login waits for it rather than being cut by the bare handshake's
        // deadline; the deadline starts again once the answer is in.
        this.extendHandshake(key, socket, LOOKUP_WAIT_MS);
        const access = await this.accessOf(user);
        // A person types the passphrase: as long as the embedded server gives (not the bare handshake's).
        this.extendHandshake(key, socket, access.policy === 'password' ? EMBEDDED_DEFAULTS.passwordHandshakeTimeoutMs : this.options.handshakeTimeoutMs);
        return access;
      },
      maxAuthAttempts: 6,
      // Replaced by admit() with the broadcast the user name names; a refused guest never places.
      groups: { place: () => { throw new Error('no broadcast chosen'); } },
      admit: async (user) => {
        this.extendHandshake(key, socket, LOOKUP_WAIT_MS);
        const found = await this.admit(user);
        this.extendHandshake(key, socket, this.options.handshakeTimeoutMs);
        if ('broadcast' in found) {
          this.connections.set(connection, user);
          // The watcher's host-size channel (fit mode) reads the host's size as this relay has it (P.size).
          return { groups: found.broadcast, hostSize: found.broadcast.hostSize };
        }
        return found;
      },
      socket,
    });
    this.connections.set(connection, '');
    connection.on('joined', () => {
      clearTimeout(this.handshakes.get(key));
      this.handshakes.delete(key);
      this.options.onLog?.(`a guest from ${connection.address} started watching`);
      this.announce(connection);
    });
    connection.on('resized', () => this.announce(connection));
    connection.on('closed', () => {
      const id = this.connections.get(connection);
      this.connections.delete(connection);
      if (connection.since) this.options.onLog?.(`a guest from ${connection.address} stopped watching`);
      const broadcast = id ? this.broadcasts.get(id) : undefined;
      broadcast?.announce();
      broadcast?.idleCheck();
    });
  }

  private announce(connection: GuestConnection): void {
    const id = this.connections.get(connection);
    if (id) this.broadcasts.get(id)?.announce();
  }

  private async admit(user: string): Promise<{ broadcast: RelayBroadcast } | { refusal: string; tryAgain?: boolean }> {
    if (!isBroadcastId(user)) {
      return { refusal: `Guest Broadcast: "${user.slice(0, 64)}" is not a broadcast id (${BROADCAST_ID_RULE}). Log in as the id the host gave you: ssh -p PORT ID@RELAY.` };
    }
    const entry = await this.fetchEntry(user);
    if (entry === undefined) {
      return { refusal: 'Guest Broadcast: this relay cannot reach the broadcast registry right now (its NATS link is down or the cluster is electing a leader). Connect again in a moment.', tryAgain: true };
    }
    if (!entry) {
      return {
        refusal: `Guest Broadcast: no broadcast "${user}" is served through this relay: it has ended, or the id is mistyped. Check the id the host gave you (the user name in ssh ID@RELAY).`,
      };
    }
    if (this.closing) return { refusal: 'Guest Broadcast: this relay is stopping. Connect again (to another relay) in a moment.', tryAgain: true };
    return { broadcast: this.broadcastFor(user, entry) };
  }

  /** Lists more guests of a broadcast in its presence (relayWebServer.ts: browser guests). */
  addGuestSource(guests: (id: string) => PresenceGuest[]): void {
    this.otherGuests.push(guests);
  }

  /**
   * Who may watch the broadcast `user` names, as its host registered it (the embedded server's
   * policies: GuestConnection decides with them as it does on a host). An id that is not
   * registered reads as open: admit() then refuses it with the reason.
   */
  private async accessOf(user: string): Promise<GivenAccess> {
    const entry = isBroadcastId(user) ? await this.lookUp(user) : undefined;
    switch (entry?.access) {
      case 'password':
        return { policy: 'password', verifier: entry.verifier };
      case 'keys':
        // Each line was checked by the parser; one ssh2 cannot read is skipped (no guest has it).
        return { policy: 'keys', keys: parseAuthorizedKeys(entry.keys.join('\n'), `the registry entry of ${user}`).keys };
      default:
        return { policy: 'open' };
    }
  }

  private extendHandshake(key: string, socket: Socket | undefined, ms: number): void {
    const old = this.handshakes.get(key);
    if (!old || !socket) return;
    clearTimeout(old);
    const timer = setTimeout(() => socket.destroy(), ms);
    timer.unref();
    this.handshakes.set(key, timer);
  }

  /** The broadcast's registry entry; undefined when it is not (or no longer) registered, or NATS did not say. */
  async lookUp(id: string): Promise<RegistryEntry | undefined> {
    return (await this.fetchEntry(id)) ?? undefined;
  }

  /** The entry; null: not registered; undefined: NATS did not answer. */
  private async fetchEntry(id: string): Promise<RegistryEntry | null | undefined> {
    if (!this.kv) return null;
    // A get that fails (rather than finding nothing) is asked again a few times: a cluster node
    // that just died, or this relay's own reconnect, must not turn a live broadcast away.
    for (let attempt = 1; ; attempt++) {
      try {
        const entry = await this.kv.get(id);
        return (entry && entry.operation === 'PUT' ? parseRegistryEntry(entry.string()) : undefined) ?? null;
      } catch {
        if (attempt >= LOOKUP_ATTEMPTS || this.closing) return undefined;
        await new Promise((resolve) => setTimeout(resolve, 1000).unref());
      }
    }
  }

  /** The relay's side of broadcast `id` (made on first use; let go of once idle). `entry`: its registry entry, as looked up. */
  broadcastFor(id: string, entry?: RegistryEntry): RelayBroadcast {
    let broadcast = this.broadcasts.get(id);
    if (!broadcast) {
      const made = new RelayBroadcast(
        new RelayLink(this.nc, id, this.options.name),
        () => this.presenceOf(id),
        this.sshAddress,
        (b) => {
          if (this.broadcasts.get(id) === b) this.broadcasts.delete(id);
        },
        async () => {
          const entry = await this.fetchEntry(id);
          return entry === undefined ? undefined : entry !== null;
        },
        async (guest, message) => {
          // Only a guest of this broadcast: a kick on one broadcast's subject reaches no other's guests.
          const connection = [...this.connections].find(([c, b]) => b === id && c.id === guest)?.[0];
          if (!connection) return false;
          this.options.onLog?.(`the host ended the view of a guest from ${connection.address}`);
          await connection.end(message);
          return true;
        },
        () => this.webOrigin,
        entry && { cols: entry.cols, rows: entry.rows },
      );
      this.broadcasts.set(id, made);
      broadcast = made;
    }
    return broadcast;
  }

  private presenceOf(id: string): PresenceGuest[] {
    const out: PresenceGuest[] = [];
    for (const [c, b] of this.connections) {
      if (b === id && c.view && c.since) out.push({ name: c.id, user: c.user, address: c.address, cols: c.view.cols, rows: c.view.rows, since: c.since.toISOString() });
    }
    for (const more of this.otherGuests) out.push(...more(id));
    return out;
  }
}
