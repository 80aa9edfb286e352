// The embedded SSH server: guests watch the broadcast with a plain `ssh`, no sshd, no guest
// account. A plain TCP listener counts connections against the bounds first; admitted sockets go
// to the ssh2 Server, refused ones to the RefusalDesk, which tells them why.
import { createServer, Server as NetServer, Socket } from 'node:net';
import { Connection, Server as SshServer } from 'ssh2';
import { Disposable, ListenerList } from '../../listeners';
import { Tmux } from '../../tmux/tmux';
import { Guest } from '../guests';
import { AccessConfig } from './access';
import { ConnectionLimits, normalizeAddress } from '../connectionLimits';
import { GuestConnection } from './guestConnection';
import { HostKey } from './hostKey';
import { describeExposure, embeddedJoinCommand, formatListen, ListenAddress, parseListen } from './listen';
import { listenOn } from './listenOn';
import { EMBEDDED_DEFAULTS, EmbeddedServerOptions, handshakeTimeoutMs } from './options';
import { RefusalDesk } from './refusal';
import type { HostSizeFeed, HostSizeScope } from '../fanout/hostSizeFeed';
import { SizeGroups } from '../fanout/sizeGroups';

export class EmbeddedGuestServer {
  private readonly tcp: NetServer;
  private readonly ssh: SshServer;
  private readonly refusals: RefusalDesk;
  private readonly limits: ConnectionLimits;
  private readonly groups: SizeGroups;
  private readonly connections = new Set<GuestConnection>();
  /** Sockets still in their handshake, by "ip:port": the timer that drops them. */
  private readonly handshakes = new Map<string, NodeJS.Timeout>();
  /** Open sockets by "address:port", as ssh2 reports a connection's origin. */
  private readonly sockets = new Map<string, Socket>();
  private readonly listeners = new ListenerList<[]>();
  private readonly tmux: Tmux;
  private readonly access: AccessConfig;
  /** This server's share of the broadcast's host-size feed (closing ends only its own watchers' subscriptions). */
  private readonly hostSize: HostSizeScope;
  private bound: ListenAddress;
  private nextId = 1;
  private closing = false;

  constructor(
    private readonly options: EmbeddedServerOptions,
    tmux: Tmux,
    readonly hostKey: HostKey,
    /** The broadcast's fan-out and connection bounds, shared with its other routes (routes/broadcastShared.ts). */
    shared: { groups: SizeGroups; limits: ConnectionLimits; hostSize: HostSizeFeed },
  ) {
    this.groups = shared.groups;
    this.limits = shared.limits;
    this.bound = parseListen(options.listen, options.listenSettingName);
    this.tmux = tmux;
    this.access = { policy: options.access, stateDir: options.stateDir, authorizedKeysFile: options.authorizedKeysFile };
    this.hostSize = shared.hostSize.scope();
    this.refusals = new RefusalDesk(hostKey.privateKey);
    this.ssh = new SshServer({ hostKeys: [hostKey.privateKey], ident: 'GuestBroadcast' }, (client, info) => this.onSshClient(client, info.ip, info.port));
    this.tcp = createServer((socket) => this.onSocket(socket));
  }

  /** Binds the listen address; the error says which port and which setting when it cannot. */
  async listen(): Promise<void> {
    this.bound = await listenOn(this.tcp, this.bound, this.options.listenSettingName ?? 'guestBroadcast.listen');
  }

  get listenAddress(): string {
    return formatListen(this.bound);
  }

  get port(): number {
    return this.bound.port;
  }

  get joinCommand(): string {
    return embeddedJoinCommand(this.bound);
  }

  get stateDir(): string {
    return this.options.stateDir;
  }

  get fingerprint(): string {
    return this.hostKey.fingerprint;
  }

  /** What the start output says about who can reach the server. */
  get exposure(): string {
    return describeExposure(this.bound);
  }

  guests(): Guest[] {
    const out: Guest[] = [];
    for (const c of this.connections) {
      if (c.view && c.since) out.push({ name: c.id, user: c.user, address: c.address, cols: c.view.cols, rows: c.view.rows, since: c.since });
    }
    return out;
  }

  /**
   * Flow figures per viewer, for tests and benchmarks: times it fell behind and had its queue
   * dropped, snapshots it was sent (join, move, resync), the most bytes that waited for it.
   */
  flow(): Array<{ name: string; drops: number; snapshots: number; maxBuffered: number }> {
    return [...this.connections].flatMap((c) => (c.view ? [{ name: c.id, drops: c.view.feed.drops, snapshots: c.view.feed.snapshots, maxBuffered: c.view.feed.maxBuffered }] : []));
  }

  /** The size groups (one tmux client each), how many viewers each serves, and its flood frames sent as a screen. */
  sizeGroups(): Array<{ cols: number; rows: number; term: string; viewers: number; pid: number; snapshotFrames: number }> {
    return this.groups.list().map((g) => ({ cols: g.cols, rows: g.rows, term: g.term, viewers: g.size, pid: g.pid, snapshotFrames: g.snapshotFrames }));
  }

  async kick(name: string, message: string): Promise<boolean> {
    const connection = [...this.connections].find((c) => c.id === name);
    if (!connection) return false;
    await connection.end(message);
    return true;
  }

  async close(message: string, exitStatus = 0): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.hostSize.stop();
    const stopped = new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    // One farewell per group's tmux client reaches all its viewers; then each connection ends.
    await this.groups.endAll(message);
    await Promise.all([...this.connections].map((c) => c.end(message, exitStatus)));
    for (const socket of this.sockets.values()) socket.destroy();
    for (const timer of this.handshakes.values()) clearTimeout(timer);
    this.handshakes.clear();
    await stopped;
    this.listeners.fire();
  }

  onChange(listener: () => void): Disposable {
    return this.listeners.add(listener);
  }

  private onSocket(socket: Socket): void {
    socket.on('error', () => undefined);
    if (this.closing) {
      socket.destroy();
      return;
    }
    const address = normalizeAddress(socket.remoteAddress);
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    this.sockets.set(key, socket);
    // Login (and asking for the view) must finish in time, whether the socket is admitted or
    // only being told why not.
    const timer = setTimeout(() => this.tooSlow(key, socket), handshakeTimeoutMs(this.options));
    timer.unref();
    this.handshakes.set(key, timer);
    const refusal = this.limits.admit(address);
    socket.once('close', () => {
      if (this.sockets.get(key) === socket) this.sockets.delete(key);
      clearTimeout(timer);
      this.handshakes.delete(key);
      if (!refusal) this.limits.release(address);
    });
    if (refusal) this.refusals.refuse(socket, refusal);
    else this.ssh.injectSocket(socket);
  }

  /**
   * The login clock ran out. A guest past the key exchange (e.g. still typing the passphrase) is
   * told why in the SSH disconnect, which its ssh prints; anything earlier is just closed.
   */
  private tooSlow(key: string, socket: Socket): void {
    this.handshakes.delete(key);
    const connection = [...this.connections].find((c) => c.options.socket === socket);
    const seconds = handshakeTimeoutMs(this.options) / 1000;
    const setting = this.options.handshakeTimeoutSettingName;
    const told = connection?.tellTooSlow(
      `Login took longer than ${seconds} s, the broadcast's login timeout${setting ? ` (the host sets it with ${setting})` : ''}. Connect again and log in sooner.`,
    );
    if (!told) {
      socket.destroy();
      return;
    }
    // Closed for writing only: the guest's ssh reads the reason when it next reads, after the
    // password prompt; closing outright could make its next write reset the connection first.
    socket.end();
    setTimeout(() => socket.destroy(), 5000).unref();
    this.options.onWarning?.(`A guest from ${connection?.address} took longer than the login timeout (${seconds} s) to start watching: told so and disconnected.`);
  }

  private onSshClient(client: Connection, ip: string, port: number): void {
    const key = `${ip}:${port}`;
    const connection = new GuestConnection(client, {
      id: `guest-${this.nextId++}`,
      address: `${normalizeAddress(ip)}:${port}`,
      access: this.access,
      maxAuthAttempts: this.options.maxAuthAttempts ?? EMBEDDED_DEFAULTS.maxAuthAttempts,
      groups: this.groups,
      hostSize: this.hostSize,
      socket: this.sockets.get(key),
    });
    this.connections.add(connection);
    // The handshake clock runs until the guest is watching, not just logged in: a connection is
    // only ever for one view, and one that logs in and idles would hold a viewer's place.
    connection.on('joined', () => {
      clearTimeout(this.handshakes.get(key));
      this.handshakes.delete(key);
      this.options.onJoin?.({ user: connection.user, address: connection.address });
      this.changed();
    });
    connection.on('resized', () => this.changed());
    connection.on('closed', () => {
      this.connections.delete(connection);
      if (connection.since) {
        this.options.onLeave?.({ user: connection.user, address: connection.address, reason: 'left' });
        this.changed();
      }
    });
  }

  private changed(): void {
    this.listeners.fire();
  }
}
