// The broadcast's lifecycle: one dedicated tmux server with one session, the permission fixup,
// (embedded mode) the guest SSH server, and a monitor that follows viewers and server restarts.
import { EventEmitter } from 'node:events';
import { existsSync, rmdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { hostAttachArgv, shellCommand } from '../tmux/attach';
import { createBroadcastSession, readMarkers, setMarkers } from '../tmux/broadcastSession';
import { kickClient, listClients } from '../tmux/clients';
import { processExists } from '../processExists';
import { probeTmuxVersion, Tmux } from '../tmux/tmux';
import { assertSupported, TmuxVersion } from '../tmux/version';
import { GuestServer, GuestServerFactory } from './guestServer';
import { DEFAULT_SSH_PORT, guestSshCommand } from './guestSshCommand';
import { BroadcastMode, defaultSocketPath } from './paths';
import { applyPermissionFixup, FixupReport, prepareSocketDir } from './permissionFixup';
import { BroadcastServedError } from './servedError';
import { clearStopMarker, takeStopMarker } from './stopMarker';
import { claimOwnership, OWNER_PID_MARKER, otherLiveOwner, ownerMarkers, recordedOwner, releaseOwnership } from './owner';
import { BroadcastStatus, statusJson } from './status';
import { sameGuests, Guest, guestsFromClients } from './guests';

export { ENDED_MESSAGE, KICKED_MESSAGE } from './messages';
import { ENDED_MESSAGE, KICKED_MESSAGE } from './messages';

/** A guest's session exit status when the broadcast went away without a stop (as tmux's own "[lost server]"). */
export const LOST_EXIT_STATUS = 1;

export interface BroadcastOptions {
  mode: BroadcastMode;
  /** Empty or undefined: the mode's default (see paths.ts). */
  socketPath?: string;
  sessionName: string;
  /** System mode: the Unix account guests log in as. */
  guestUser: string;
  /** System mode: the port guests' ssh reaches sshd on (only for the watch command). */
  sshPort?: number;
  /** Command for the session's first window (default: the user's shell). */
  command?: string;
  cwd?: string;
  /** tmux config to load instead of ~/.tmux.conf. */
  configFile?: string;
  tmuxBin?: string;
  /** Embedded mode: starts the guest SSH server once tmux is up. */
  guestServerFactory?: GuestServerFactory;
  /** How often the monitor reads list-clients. */
  pollIntervalMs?: number;
  /** Extra environment for the session's shell. */
  env?: NodeJS.ProcessEnv;
}

export interface BroadcastEvents {
  guests: [Guest[]];
  ended: [string];
  fixup: [FixupReport];
  error: [Error];
}

/** How a guest of system mode watches: `ssh guest@host` (with -p when not 22). */
export function systemWatchCommand(guestUser: string, port = DEFAULT_SSH_PORT, host = hostname()): string {
  return guestSshCommand(guestUser, host, port);
}

export class Broadcast extends EventEmitter<BroadcastEvents> {
  private current: Guest[] = [];
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private serverPid: number | undefined;
  private endedReason: string | undefined;

  private constructor(
    readonly tmux: Tmux,
    readonly version: TmuxVersion,
    readonly options: BroadcastOptions,
    readonly socketPath: string,
    /** False when start() found this broadcast already running and adopted it. */
    readonly startedNow: boolean,
    private guestServer: GuestServer | undefined,
    readonly lastFixup: FixupReport | undefined,
    /** The topmost socket folder start() made (none when they all existed), taken back by a clean stop. */
    private readonly madeDir: string | undefined,
  ) {
    super();
  }

  /**
   * Starts a broadcast, or adopts the one already running on the same socket when the process
   * that owned it is gone (a crash, a VS Code reload): starting twice never makes a second
   * server, and never takes a broadcast away from a live owner (BroadcastServedError).
   */
  static async start(options: BroadcastOptions): Promise<Broadcast> {
    const tmuxBin = options.tmuxBin ?? 'tmux';
    const version = await probeTmuxVersion(tmuxBin);
    assertSupported(version, options.mode);
    const socketPath = options.socketPath || defaultSocketPath(options.mode);
    const tmux = new Tmux(socketPath, tmuxBin);
    const system = options.mode === 'system';

    let startedNow = false;
    let madeDir: string | undefined;
    const markers = await readMarkers(tmux);
    if (markers) {
      const owner = otherLiveOwner(markers);
      if (owner !== undefined) throw new BroadcastServedError(socketPath, markers, owner, tmuxBin);
      if (markers.session !== options.sessionName) {
        throw new Error(`A broadcast of session "${markers.session}" already runs on ${socketPath}. Stop it first (guest-broadcast stop --socket ${socketPath}) or choose another socket.`);
      }
      if (markers.mode && markers.mode !== options.mode) {
        throw new Error(`A ${markers.mode}-mode broadcast already runs on ${socketPath}. Stop it first or start in ${markers.mode} mode.`);
      }
      // Adopting: take ownership before serving anything, so a concurrent adopter loses cleanly.
      if (!(await claimOwnership(tmux, markers[OWNER_PID_MARKER] ?? ''))) {
        const now = (await readMarkers(tmux)) ?? markers;
        throw new BroadcastServedError(socketPath, now, recordedOwner(now) ?? 0, tmuxBin);
      }
    } else {
      if ((await tmux.serverPid()) !== undefined) {
        throw new Error(`${socketPath} belongs to a tmux server that is not a guest broadcast. Choose another socket path (setting guestBroadcast.socketPath or --socket).`);
      }
      madeDir = prepareSocketDir(socketPath, system);
    }
    // A stop marker left by a stop that found no owner to take it would mislabel this broadcast's end.
    try {
      clearStopMarker(socketPath);
    } catch {
      // not ours to remove: a later crash may then read as a stop, which says no more than before
    }

    try {
      if (!markers) {
        await createBroadcastSession(tmux, {
          sessionName: options.sessionName,
          command: options.command,
          cwd: options.cwd,
          configFile: options.configFile,
          env: options.env,
          markers: {
            mode: options.mode,
            session: options.sessionName,
            'guest-user': options.guestUser,
            watch: system ? systemWatchCommand(options.guestUser, options.sshPort) : '',
            listen: '',
            ...ownerMarkers(),
          },
        });
        startedNow = true;
      }

      const lastFixup = system ? await applyPermissionFixup(tmux, version, options.guestUser) : undefined;

      let guestServer: GuestServer | undefined;
      if (!system) {
        if (!options.guestServerFactory) throw new Error('Embedded mode needs a guest server (guestServerFactory).');
        guestServer = await options.guestServerFactory({ socketPath, sessionName: options.sessionName, tmuxBin });
        await setMarkers(tmux, { listen: guestServer.listenAddress, watch: guestServer.watchCommand, ...(guestServer.stateDir ? { 'state-dir': guestServer.stateDir } : {}) });
      }

      const broadcast = new Broadcast(tmux, version, options, socketPath, startedNow, guestServer, lastFixup, madeDir);
      broadcast.serverPid = await tmux.serverPid();
      guestServer?.onChange(() => void broadcast.poll());
      broadcast.startMonitor();
      return broadcast;
    } catch (error) {
      // A failed start leaves things as they were. A server this call started holds nothing of
      // the host's yet, so it goes, with the folders made for it. An adopted one is the host's
      // work: it stays, untouched, for its next owner.
      if (startedNow) await tmux.killServer().catch(() => undefined);
      // Adopted and failed (its port taken, say): hand it on, so the next start may adopt it
      // even while this process lives on (a VS Code window).
      else if (markers) await releaseOwnership(tmux);
      // Only folders this call made, and only while empty (a racing start may live there now).
      if (madeDir) removeEmptyDirs(dirname(socketPath), madeDir);
      throw error;
    }
  }

  get mode(): BroadcastMode {
    return this.options.mode;
  }

  get sessionName(): string {
    return this.options.sessionName;
  }

  get ended(): boolean {
    return this.endedReason !== undefined;
  }

  get listenAddress(): string | null {
    return this.guestServer?.listenAddress ?? null;
  }

  /** Embedded mode: the SSH host key fingerprint guests should see on first connect. */
  get hostKeyFingerprint(): string | undefined {
    return this.guestServer?.fingerprint;
  }

  get watchCommand(): string {
    return this.guestServer?.watchCommand ?? systemWatchCommand(this.options.guestUser, this.options.sshPort);
  }

  /** The host's own read-write attach command, for people and for VS Code's terminal. */
  get hostAttachArgv(): string[] {
    return hostAttachArgv({ socketPath: this.socketPath, sessionName: this.sessionName, tmuxBin: this.tmux.bin });
  }

  get hostAttachCommand(): string {
    return shellCommand(this.hostAttachArgv);
  }

  get guests(): Guest[] {
    return this.current;
  }

  status(): BroadcastStatus {
    return statusJson({
      broadcasting: !this.ended,
      mode: this.mode,
      socket: this.socketPath,
      session: this.sessionName,
      listen: this.listenAddress,
      watch: this.watchCommand,
      viewers: this.current,
    });
  }

  /** Ends one viewer's view with a one-line message. */
  async kick(name: string, message = KICKED_MESSAGE): Promise<boolean> {
    let kicked = false;
    if (this.guestServer) kicked = await this.guestServer.kick(name, message);
    if (!kicked && this.current.some((v) => v.name === name)) {
      await kickClient(this.tmux, name, message);
      kicked = true;
    }
    await this.poll();
    return kicked;
  }

  /** Tells every guest the broadcast ended, then ends the tmux server. */
  async stop(message = ENDED_MESSAGE): Promise<void> {
    if (this.ended) return;
    this.stopMonitor();
    await endBroadcastServer(this.tmux, message, this.guestServer);
    this.removeMadeDirs();
    this.finish('stopped');
  }

  /**
   * A clean stop leaves no trace, as a failed start does: the folders start() made for the
   * socket go, and only while empty (never one that existed before, nor one something else uses).
   */
  private removeMadeDirs(): void {
    if (this.madeDir) removeEmptyDirs(dirname(this.socketPath), this.madeDir);
  }

  /** Stops following the server without ending it (VS Code window closing: tmux keeps running). */
  detach(): void {
    this.stopMonitor();
    // The next window may adopt it at once, even while this process is still closing.
    void releaseOwnership(this.tmux);
    // Not a stop: the next window serves the same broadcast again, so watchers should keep trying.
    void this.guestServer?.close(ENDED_MESSAGE, LOST_EXIT_STATUS);
    this.guestServer = undefined;
  }

  private finish(reason: string): void {
    if (this.endedReason !== undefined) return;
    this.endedReason = reason;
    this.stopMonitor();
    if (this.current.length) {
      this.current = [];
      this.emit('guests', []);
    }
    this.emit('ended', reason);
  }

  private startMonitor(): void {
    const interval = this.options.pollIntervalMs ?? 1000;
    const tick = (): void => {
      this.timer = setTimeout(() => {
        void this.poll().finally(() => {
          if (!this.ended && this.timer) tick();
        });
      }, interval);
      this.timer.unref?.();
    };
    void this.poll();
    tick();
  }

  private stopMonitor(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Reads the server's state once; concurrent callers share one read. */
  poll(): Promise<void> {
    if (!this.polling) {
      this.polling = this.pollOnce()
        .catch((error: unknown) => {
          this.emit('error', error instanceof Error ? error : new Error(String(error)));
        })
        .finally(() => {
          this.polling = undefined;
        });
    }
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    if (this.ended) return;
    // Embedded mode needs nothing else from tmux here: while the known server process lives and
    // its socket is there, no `tmux` is run. Starting one blocks this process (which fans the
    // broadcast out to every guest) until the child has exec'd: milliseconds on a busy machine.
    const pid = this.guestServer && this.serverPid !== undefined && serverStillThere(this.serverPid, this.socketPath) ? this.serverPid : await this.tmux.serverPid();
    if (pid === undefined) {
      const stoppedBy = takeStopMarker(this.socketPath);
      if (stoppedBy) {
        // Stopped on purpose from elsewhere: over, so watchers are not told to keep trying.
        await this.guestServer?.close(ENDED_MESSAGE);
        this.removeMadeDirs();
        this.finish(`it was stopped (${stoppedBy})`);
        return;
      }
      // Lost, not stopped: a non-zero exit status tells watchers to keep trying, so a new start
      // (on the same port, with the same host key) brings them back by themselves.
      await this.guestServer?.close(ENDED_MESSAGE, LOST_EXIT_STATUS);
      this.finish('the tmux server exited');
      return;
    }
    if (pid !== this.serverPid) {
      // The server was restarted under us: tmux made a fresh 0600 socket and forgot the ACL.
      this.serverPid = pid;
      if (this.mode === 'system') this.emit('fixup', await applyPermissionFixup(this.tmux, this.version, this.options.guestUser));
    }
    const viewers = this.guestServer ? this.guestServer.guests() : guestsFromClients(await listClients(this.tmux));
    if (!sameGuests(viewers, this.current)) {
      this.current = viewers;
      this.emit('guests', viewers);
    }
  }
}

/** Removes `from` and its parents up to and including `top` while they are empty. */
function removeEmptyDirs(from: string, top: string): void {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      return; // not empty (something else lives there now), or already gone
    }
    if (dir === top || dirname(dir) === dir) return;
  }
}

/** Whether the process `pid` lives and the socket file is there. */
function serverStillThere(pid: number, socketPath: string): boolean {
  return existsSync(socketPath) && processExists(pid);
}

/**
 * Ends a broadcast server: each read-only client is replaced by a one-line message, the guest
 * server (if any) closes its connections, then the tmux server is killed. Shared by
 * Broadcast.stop() and `guest-broadcast stop` from another process.
 */
export async function endBroadcastServer(tmux: Tmux, message: string, guestServer?: GuestServer): Promise<void> {
  const clients = await listClients(tmux);
  await Promise.all(clients.filter((c) => c.readOnly).map((c) => kickClient(tmux, c.name, message).catch(() => undefined)));
  await guestServer?.close(message);
  // Give the clients a moment to print the message before their server disappears.
  if (clients.some((c) => c.readOnly)) await new Promise((r) => setTimeout(r, 150));
  await tmux.killServer();
}
