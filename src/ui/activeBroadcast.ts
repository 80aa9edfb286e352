// The broadcast this window runs (or adopted after a reload), shared by the status bar and the
// commands. It only holds and forwards: the lifecycle rules live in src/host/broadcast.ts.
import * as vscode from 'vscode';
// Types only: the host side's code is imported by start and stop (activation stays small).
import type { Broadcast, BroadcastOptions } from '../host/broadcast';
import { defaultSocketPath } from '../host/paths';
import { adoptableBroadcast } from './adoptable';
import { embeddedServerContextFor } from './embeddedRoute';
import { HostSettings } from './settings';

export type StopResult =
  /** This window's broadcast was stopped. */
  | { kind: 'stopped'; session: string }
  /** A broadcast this window did not run (the CLI's, another window's) was stopped. */
  | { kind: 'stoppedOther'; session: string; socket: string }
  | { kind: 'none'; socket: string };

export class ActiveBroadcast implements vscode.Disposable {
  private broadcast: Broadcast | undefined;
  private settings: HostSettings | undefined;
  private starting: Promise<Broadcast> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly endedEmitter = new vscode.EventEmitter<string>();
  /** Start, stop, end, every change of the viewer list, the curtain going down or up, a recording starting or stopping. */
  readonly onDidChange = this.changed.event;
  /** The broadcast ended without this window asking (the tmux server exited). */
  readonly onDidEnd = this.endedEmitter.event;
  private readonly recordingFailedEmitter = new vscode.EventEmitter<Error>();
  /** A recording stopped by itself (a full disk): the broadcast goes on. */
  readonly onDidRecordingFail = this.recordingFailedEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.OutputChannel,
  ) {}

  get current(): Broadcast | undefined {
    return this.broadcast && !this.broadcast.ended ? this.broadcast : undefined;
  }

  /** The settings the current broadcast started with (later changes apply to the next start). */
  get startedWith(): HostSettings | undefined {
    return this.current ? this.settings : undefined;
  }

  /** Starts a broadcast from `settings`, or adopts the one already running on that socket. */
  start(settings: HostSettings): Promise<Broadcast> {
    const running = this.current;
    if (running) return Promise.resolve(running);
    // Two quick clicks share one start instead of racing for the socket.
    this.starting ??= this.startNow(settings).finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async startNow(settings: HostSettings): Promise<Broadcast> {
    // The routes' code (tmux, the permission fixup, the fan-out) is loaded only now.
    const { broadcastOptions } = await import('../host/options/broadcast');
    const options: BroadcastOptions = {
      ...broadcastOptions(settings, embeddedServerContextFor(settings, this.context, this.log)),
      cwd: workspaceDir(),
      // A recording in system mode (where no route loaded node-pty) takes VS Code's own.
      appRoot: vscode.env.appRoot,
    };
    const { Broadcast } = await import('../host/broadcast');
    const broadcast = await Broadcast.start(options);
    this.settings = settings;
    this.follow(broadcast);
    return broadcast;
  }

  /**
   * After a window reload: adopts a broadcast still running on the configured socket so the
   * status bar and the commands know it. Spawns nothing when no socket file exists, and leaves
   * an embedded broadcast alone while another process still serves its guests.
   */
  async resume(settings: HostSettings): Promise<Broadcast | undefined> {
    if (this.current) return this.current;
    const found = await adoptableBroadcast(settings);
    if (found.kind === 'servedElsewhere') {
      this.log.appendLine(`The broadcast on ${found.socket} is served by another process (${found.pid !== undefined ? `pid ${found.pid}` : found.listen}); not adopting it.`);
    }
    if (found.kind !== 'adopt') return undefined;
    const broadcast = await this.start(found.settings);
    this.log.appendLine(`Adopted the running broadcast of "${broadcast.sessionName}" on ${broadcast.socketPath}.`);
    return broadcast;
  }

  /** Stops this window's broadcast, else one running on the configured socket; says which. */
  async stop(settings: HostSettings | undefined): Promise<StopResult> {
    await this.starting?.catch(() => undefined);
    const running = this.current;
    if (running) {
      await running.stop();
      return { kind: 'stopped', session: running.sessionName };
    }
    const mode = settings?.mode ?? 'embedded';
    const socket = settings?.socketPath || defaultSocketPath(mode);
    const { stopOtherBroadcast } = await import('../host/stopOtherBroadcast');
    const stopped = await stopOtherBroadcast(mode, socket, 'Stop guest broadcast in VS Code');
    return stopped ? { kind: 'stoppedOther', session: stopped.session, socket } : { kind: 'none', socket };
  }

  private follow(broadcast: Broadcast): void {
    this.broadcast = broadcast;
    broadcast.on('guests', () => this.changed.fire());
    // From here, the CLI in another terminal or the host's tmux key: the status bar follows.
    broadcast.on('curtain', () => this.changed.fire());
    // Started or stopped here, by `guest-broadcast record` in another terminal, or by itself.
    broadcast.on('recording', (path) => {
      this.log.appendLine(path ? `Recording the host's screen to ${path}.` : 'Recording stopped.');
      this.changed.fire();
    });
    broadcast.on('recordingError', (error) => {
      this.log.appendLine(error.message);
      this.recordingFailedEmitter.fire(error);
    });
    broadcast.on('fixup', (report) => this.log.appendLine(`tmux server restarted; permission fixup re-applied: ${report.applied.join('; ')}`));
    broadcast.on('error', (error) => this.log.appendLine(`Broadcast monitor: ${error.message}`));
    broadcast.once('ended', (reason) => {
      if (this.broadcast === broadcast) this.broadcast = undefined;
      this.changed.fire();
      if (reason !== 'stopped') this.endedEmitter.fire(reason);
    });
    this.changed.fire();
  }

  /** Window closing or reloading: stop following, but leave tmux (and the host's work) running. */
  dispose(): void {
    this.broadcast?.detach();
    this.broadcast = undefined;
    this.changed.dispose();
    this.endedEmitter.dispose();
    this.recordingFailedEmitter.dispose();
  }
}

/**
 * The first workspace folder, where the host's shell starts. This extension runs where the files
 * are, so a remote window's folder (vscode-remote:) is a local path here too.
 */
function workspaceDir(): string | undefined {
  const uri = vscode.workspace.workspaceFolders?.[0]?.uri;
  return uri && (uri.scheme === 'file' || uri.scheme === 'vscode-remote') ? uri.fsPath : undefined;
}
