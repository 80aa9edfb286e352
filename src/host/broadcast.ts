// The broadcast's lifecycle: one dedicated tmux server with one session, served to guests by one
// or more routes (routes/route.ts: embedded SSH, system OpenSSH, ...), and a monitor that follows
// the guests and server restarts. Everything about guests belongs to the routes; this file keeps
// the tmux server's life and serves the union of the routes' guests.
import { EventEmitter } from 'node:events';
import { dirname } from 'node:path';
import { hostAttachArgv, shellCommand } from '../tmux/attach';
import { createBroadcastSession, readMarkers, setMarkers } from '../tmux/broadcastSession';
import { probeTmuxVersion, Tmux } from '../tmux/tmux';
import { TmuxVersion } from '../tmux/version';
import { Disposable } from '../listeners';
import { defaultSocketPath } from './paths';
import { takeStopMarker } from './stopMarker';
import { ownerMarkers, releaseOwnership } from './owner';
import { claimSocket } from './socketClaim';
import { endBroadcastServer, removeEmptyDirs, serverStillThere } from './endBroadcast';
import { BroadcastStatus, relayStatusFromMarkers, statusJson, webStatusFromRoutes } from './status';
import { sameGuests, Guest } from './guests';
import { GuestTablePublisher } from './guestTable';
import { Route, RouteContext, RouteDescription, RouteKind, RouteReport } from './routes/route';
import { CurtainState, curtainFromMarkers, installCurtain, pauseBroadcast, resumeBroadcast } from './curtain/curtainTmux';
import { watchNudges, nudgePath } from './ownerNudge';
import { rmSync } from 'node:fs';
import { BroadcastRecording, RECORDING_MARKER, RecordingStartOptions } from './recording/broadcastRecording';
import { RecordingRequestDesk } from './recording/recordingRequests';

export { ENDED_MESSAGE, KICKED_MESSAGE } from './messages';
import { ENDED_MESSAGE, KICKED_MESSAGE } from './messages';
export { LOST_EXIT_STATUS } from './routes/route';
export { endBroadcastServer } from './endBroadcast';

export interface BroadcastOptions {
  /** Who serves the guests: one route or several at once (the first is the broadcast's main one). */
  routes: Route[];
  /** Empty or undefined: the default for the routes (a folder guests can traverse when they open the socket themselves). */
  socketPath?: string;
  sessionName: string;
  /** Command for the session's first window (default: the user's shell). */
  command?: string;
  cwd?: string;
  /** tmux config to load instead of ~/.tmux.conf. */
  configFile?: string;
  tmuxBin?: string;
  /** How often the monitor reads the guests (routes that know their guests also say so at once). */
  pollIntervalMs?: number;
  /** Extra environment for the session's shell. */
  env?: NodeJS.ProcessEnv;
  /** VS Code's install root, to load its node-pty for a recording when no route has loaded it (system mode). */
  appRoot?: string;
}

export interface BroadcastEvents {
  guests: [Guest[]];
  ended: [string];
  /** A route let its guests in again after the tmux server restarted (system mode's permission fixup). */
  fixup: [RouteReport];
  /** The curtain went down or up, or its message changed (from here, the CLI or the key binding). */
  curtain: [CurtainState];
  error: [Error];
  /** A recording started (its file) or stopped (undefined). */
  recording: [string | undefined];
  /** A recording stopped by itself: writing its file failed (a full disk). The broadcast goes on. */
  recordingError: [Error];
}

export class Broadcast extends EventEmitter<BroadcastEvents> {
  private current: Guest[] = [];
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private serverPid: number | undefined;
  private endedReason: string | undefined;
  private readonly context: RouteContext;
  private readonly table: GuestTablePublisher;
  private readonly follows: Disposable[] = [];
  /** Routes still serving: a detach releases them, and nothing is closed twice. */
  private serving = true;
  private curtainState: CurtainState = { paused: false, message: '' };
  /** The host's key (after tmux's prefix) that toggles the curtain; undefined when the host's config uses it. */
  curtainKey: string | undefined;
  /** Why the curtain cannot be used on this machine (no Perl), if so. */
  curtainProblem: string | undefined;
  /** The recording of the host's screen (recording/broadcastRecording.ts). */
  private readonly recorder: BroadcastRecording;
  /** Answers `guest-broadcast record` from other processes (recording/recordingRequests.ts). */
  private readonly recordRequests: RecordingRequestDesk;

  private constructor(
    readonly tmux: Tmux,
    readonly version: TmuxVersion,
    readonly options: BroadcastOptions,
    readonly socketPath: string,
    /** False when start() found this broadcast already running and adopted it. */
    readonly startedNow: boolean,
    /** What the routes did to let guests in (the system route's permission fixup), merged. */
    readonly lastFixup: RouteReport | undefined,
    /** The topmost socket folder start() made (none when they all existed), taken back by a clean stop. */
    private readonly madeDir: string | undefined,
    context: RouteContext,
  ) {
    super();
    this.context = context;
    this.table = new GuestTablePublisher(tmux, () => this.current);
    this.recorder = new BroadcastRecording(context, {
      changed: (path) => {
        // The guest table, published: a status in another process must not take the recording's
        // own read-only tmux client for a guest (it lists tmux's clients when there is no table).
        if (path) void this.table.publish();
        this.emit('recording', path);
      },
      failed: (error) => this.emit('recordingError', error),
    }, { appRoot: options.appRoot });
    this.recordRequests = new RecordingRequestDesk(tmux, this);
  }

  /**
   * Starts a broadcast, or adopts the one already running on the same socket when the process
   * that owned it is gone (a crash, a VS Code reload): starting twice never makes a second
   * server, and never takes a broadcast away from a live owner (BroadcastServedError).
   */
  static async start(options: BroadcastOptions): Promise<Broadcast> {
    const routes = options.routes;
    if (!routes.length) throw new Error('A broadcast needs at least one route to serve guests.');
    const tmuxBin = options.tmuxBin ?? 'tmux';
    const version = await probeTmuxVersion(tmuxBin);
    for (const route of routes) route.check(version);
    const sharedSocket = routes.some((r) => r.guestsOpenSocket);
    const socketPath = options.socketPath || defaultSocketPath(sharedSocket ? 'system' : 'embedded');
    const tmux = new Tmux(socketPath, tmuxBin);
    const main = routes[0].kind;

    let startedNow = false;
    const { markers, madeDir } = await claimSocket(tmux, options.sessionName, main, sharedSocket);

    const context: RouteContext = { tmux, version, sessionName: options.sessionName };
    const started: Route[] = [];
    try {
      if (!markers) {
        await createBroadcastSession(tmux, {
          sessionName: options.sessionName,
          command: options.command,
          cwd: options.cwd,
          configFile: options.configFile,
          env: options.env,
          markers: {
            mode: main,
            routes: routes.map((r) => r.kind).join(','),
            session: options.sessionName,
            watch: '',
            listen: '',
            ...Object.assign({}, ...routes.map((r) => r.initialMarkers(context))),
            ...ownerMarkers(),
          },
        });
        startedNow = true;
      }

      const reports: RouteReport[] = [];
      for (const route of routes) {
        const report = await route.start(context);
        started.push(route);
        if (report) reports.push(report);
      }
      const first = routes[0].describe();
      // The routes serving now (an adopted broadcast may be served by other routes than before).
      await setMarkers(tmux, { watch: first.join, listen: first.listen ?? '', routes: routes.map((r) => r.kind).join(','), ...Object.assign({}, ...routes.map((r) => r.markers())), [RECORDING_MARKER]: '' });

      const lastFixup = reports.length ? { applied: reports.flatMap((r) => r.applied), warnings: reports.flatMap((r) => r.warnings) } : undefined;
      const broadcast = new Broadcast(tmux, version, options, socketPath, startedNow, lastFixup, madeDir, context);
      broadcast.serverPid = await tmux.serverPid();
      await broadcast.setUpCurtain(markers);
      for (const route of routes) broadcast.follows.push(route.onChange(() => void broadcast.poll()));
      // Another process changed the markers (pause/resume, guest-broadcast record): read them again.
      broadcast.follows.push(watchNudges(socketPath, () => void broadcast.refreshFromMarkers()));
      broadcast.startMonitor();
      return broadcast;
    } catch (error) {
      // A failed start leaves things as they were. Routes that started close again.
      await Promise.all(started.map((r) => r.release(ENDED_MESSAGE).catch(() => undefined)));
      // A server this call started holds nothing of the host's yet, so it goes, with the folders
      // made for it. An adopted one is the host's work: it stays, untouched, for its next owner.
      if (startedNow) await tmux.killServer().catch(() => undefined);
      // Adopted and failed (its port taken, say): hand it on, so the next start may adopt it
      // even while this process lives on (a VS Code window).
      else if (markers) await releaseOwnership(tmux);
      // Only folders this call made, and only while empty (a racing start may live there now).
      if (madeDir) removeEmptyDirs(dirname(socketPath), madeDir);
      throw error;
    }
  }

  get routes(): readonly Route[] {
    return this.options.routes;
  }

  /** The main route's kind: "embedded" or "system" (what status --json calls the mode). */
  get mode(): RouteKind {
    return this.options.routes[0].kind;
  }

  get sessionName(): string {
    return this.options.sessionName;
  }

  get ended(): boolean {
    return this.endedReason !== undefined;
  }

  /** How each route is reached, the main route first. */
  describeRoutes(): RouteDescription[] {
    return this.options.routes.map((r) => r.describe());
  }

  private get main(): RouteDescription {
    return this.options.routes[0].describe();
  }

  /** The address the main route's own server is bound to (null: sshd serves). */
  get listenAddress(): string | null {
    return this.main.listen;
  }

  /** The SSH host key fingerprint guests of the main route should see on first connect. */
  get hostKeyFingerprint(): string | undefined {
    return this.main.fingerprint;
  }

  /** What a guest types to watch through the main route. */
  get joinCommand(): string {
    return this.main.join;
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

  /** Whether guests see the curtain instead of the session, and its message. */
  get curtain(): CurtainState {
    return this.curtainState;
  }

  private async setUpCurtain(adopted: Record<string, string> | undefined): Promise<void> {
    if (adopted) this.curtainState = curtainFromMarkers(adopted);
    try {
      this.curtainKey = (await installCurtain(this.tmux, this.sessionName)).key;
    } catch (error) {
      this.curtainProblem = error instanceof Error ? error.message : String(error);
    }
  }

  /**
   * Lowers the curtain for every guest of every route: once this returns, nothing the session
   * draws reaches a guest until resume(). With the curtain down, only the message changes.
   */
  async pause(message = ''): Promise<void> {
    await pauseBroadcast(this.tmux, this.sessionName, message);
    await this.refreshFromMarkers();
  }

  /** Lifts the curtain: guests see the session as it is now. Returns guests still behind it. */
  async resume(): Promise<number> {
    const left = await resumeBroadcast(this.tmux);
    await this.refreshFromMarkers();
    return left;
  }

  /** Reads the broadcast's markers again (another process or the key binding changed them). */
  async refreshFromMarkers(): Promise<void> {
    if (this.ended) return;
    const markers = await readMarkers(this.tmux).catch(() => undefined);
    if (!markers) return;
    const curtain = curtainFromMarkers(markers);
    if (curtain.paused !== this.curtainState.paused || curtain.message !== this.curtainState.message) {
      this.curtainState = curtain;
      this.emit('curtain', curtain);
    }
    // A recording asked for by another process (guest-broadcast record).
    // Not waited for: a recording starting (the host's size, its file) never holds the curtain up.
    void this.recordRequests.answer(markers);
  }

  status(): BroadcastStatus {
    return statusJson({
      broadcasting: !this.ended,
      mode: this.mode === 'system' ? 'system' : 'embedded',
      socket: this.socketPath,
      session: this.sessionName,
      listen: this.listenAddress,
      watch: this.joinCommand,
      viewers: this.current,
      paused: this.curtainState.paused,
      pauseMessage: this.curtainState.message,
      web: webStatusFromRoutes(this.describeRoutes()),
      recording: this.recording ?? null,
      // The relay route's own markers say it as other processes read it (statusReader.ts).
      relay: relayStatusFromMarkers({ routes: 'relay', ...(this.options.routes.find((r) => r.kind === 'relay')?.markers() ?? {}) }),
    });
  }

  /** The file being recorded, or undefined. */
  get recording(): string | undefined {
    return this.recorder.path;
  }

  /**
   * Records the host's screen, at the host's size, into `path` (asciicast v2); an existing file
   * only with `force`. Throws an Error whose message is for the user (exists, no folder, already
   * recording...). The broadcast goes on whatever happens to the recording.
   */
  async startRecording(path: string, options?: RecordingStartOptions): Promise<void> {
    if (this.ended) throw new Error('Cannot record: the broadcast has ended.');
    await this.recorder.start(path, options);
  }

  /** Stops recording; the finished file, or undefined when none was recording. */
  stopRecording(): Promise<string | undefined> {
    return this.recorder.stop();
  }

  /** Ends one guest's view with a one-line message, whichever route serves it. */
  async kick(name: string, message = KICKED_MESSAGE): Promise<boolean> {
    let kicked = false;
    for (const route of this.options.routes) {
      if (await route.kick(name, message)) {
        kicked = true;
        break;
      }
    }
    await this.poll();
    return kicked;
  }

  /** Tells every guest the broadcast ended, then ends the tmux server. */
  async stop(message = ENDED_MESSAGE): Promise<void> {
    if (this.ended) return;
    this.stopMonitor();
    this.serving = false;
    // The recording ends on the last screen, before the farewell.
    await this.recorder.close();
    await endBroadcastServer(this.tmux, message, this.options.routes);
    this.unfollowRoutes();
    this.removeNudgeFile();
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
    void this.recorder.close();
    // The next window may adopt it at once, even while this process is still closing.
    void releaseOwnership(this.tmux);
    // Not a stop: the next window serves the same broadcast again, so watchers should keep trying.
    void this.releaseRoutes();
  }

  private async releaseRoutes(): Promise<void> {
    if (!this.serving) return;
    this.serving = false;
    this.unfollowRoutes();
    await Promise.all(this.options.routes.map((r) => r.release(ENDED_MESSAGE).catch(() => undefined)));
  }

  private unfollowRoutes(): void {
    for (const follow of this.follows.splice(0)) follow.dispose();
  }

  /** The nudge file goes with the broadcast (another owner makes it again). */
  private removeNudgeFile(): void {
    rmSync(nudgePath(this.socketPath), { force: true });
  }

  private finish(reason: string): void {
    if (this.endedReason !== undefined) return;
    this.endedReason = reason;
    this.stopMonitor();
    void this.recorder.close();
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
    // While the known server process lives and its socket is there, no `tmux` is run for it.
    // Starting one blocks this process (which may fan the broadcast out to every guest) until
    // the child has exec'd: milliseconds on a busy machine.
    const pid = this.serverPid !== undefined && serverStillThere(this.serverPid, this.socketPath) ? this.serverPid : await this.tmux.serverPid();
    if (pid === undefined) {
      const stoppedBy = takeStopMarker(this.socketPath);
      if (stoppedBy) {
        // Stopped on purpose from elsewhere: over, so watchers are not told to keep trying.
        this.serving = false;
        this.unfollowRoutes();
        await Promise.all(this.options.routes.map((r) => r.stop(ENDED_MESSAGE).catch(() => undefined)));
        this.removeNudgeFile();
        this.removeMadeDirs();
        this.finish(`it was stopped (${stoppedBy})`);
        return;
      }
      // Lost, not stopped: watchers are told to keep trying, so a new start (on the same port,
      // with the same host key) brings them back by themselves.
      await this.releaseRoutes();
      this.finish('the tmux server exited');
      return;
    }
    if (pid !== this.serverPid) {
      // The server was restarted under us: tmux made a fresh 0600 socket and forgot its ACL.
      this.serverPid = pid;
      for (const route of this.options.routes) {
        const report = await route.serverRestarted(this.context);
        if (report) this.emit('fixup', report);
      }
    }
    const guests = (await Promise.all(this.options.routes.map((r) => r.guests()))).flat();
    if (!sameGuests(guests, this.current)) {
      this.current = guests;
      void this.table.publish();
      this.emit('guests', guests);
    }
  }
}
