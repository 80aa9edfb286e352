// A broadcast's recording, owned by the Broadcast (host/broadcast.ts: startRecording,
// stopRecording, the 'recording' and 'recordingError' events): at most one file at a time, its
// path published in the tmux marker @recording (so `status` in another process, and a reloaded VS
// Code window, see it). The fan-out is the broadcast's shared one (made here on first use in
// system mode, where no route made it).
import { isAbsolute, resolve } from 'node:path';
import { setMarkers } from '../../tmux/broadcastSession';
import { readHostSize, readWindowSize } from '../../tmux/hostSize';
import { EMBEDDED_DEFAULTS } from '../embedded/options';
import { hostSizeFor } from '../fanout/hostSizeFeed';
import { fanoutFor } from '../fanout/sharedFanout';
import type { RouteContext } from '../routes/route';
import { HostRecording } from './hostRecording';
import { RecordingError } from './recordingFileErrors';

/** The marker that holds the file being recorded ('' when none). */
export const RECORDING_MARKER = 'recording';

export interface RecordingStartOptions {
  /** Replace an existing file (the CLI's --force; VS Code after its save dialog asked). */
  force?: boolean;
}

export interface BroadcastRecordingEvents {
  /** A recording started (its path) or stopped (undefined). */
  changed(path: string | undefined): void;
  /** A recording stopped by itself because writing failed (a full disk). */
  failed(error: RecordingError): void;
}

export class BroadcastRecording {
  private current: HostRecording | undefined;
  /** A start under way: a second one waits for it, then is refused if it recorded. */
  private starting: Promise<unknown> | undefined;
  private closed = false;

  constructor(
    private readonly context: RouteContext,
    private readonly events: BroadcastRecordingEvents,
    private readonly options: { appRoot?: string; maxSizeGroups?: number } = {},
  ) {}

  /** The file being recorded, or undefined. */
  get path(): string | undefined {
    return this.current?.path;
  }

  /** The recording itself (the bench and tests read its byte count). */
  get active(): HostRecording | undefined {
    return this.current;
  }

  async start(path: string, options: RecordingStartOptions = {}): Promise<void> {
    while (this.starting) await this.starting.catch(() => undefined);
    const run = this.startNow(path, options);
    this.starting = run;
    try {
      await run;
    } finally {
      if (this.starting === run) this.starting = undefined;
    }
  }

  private async startNow(path: string, options: RecordingStartOptions): Promise<void> {
    if (this.closed) throw new RecordingError('Cannot record: the broadcast has ended.');
    const file = isAbsolute(path) ? path : resolve(path);
    if (this.current) throw new RecordingError(`Already recording to ${this.current.path}: stop that recording first (guest-broadcast record --stop).`);
    const recording = await HostRecording.start(file, {
      force: options.force,
      groups: fanoutFor(this.context, { maxGroups: this.options.maxSizeGroups ?? EMBEDDED_DEFAULTS.maxSizeGroups, appRoot: this.options.appRoot }),
      hostSize: hostSizeFor(this.context),
      initialSize: async () => (await readHostSize(this.context.tmux).catch(() => undefined)) ?? (await readWindowSize(this.context.tmux, this.context.sessionName)),
      title: this.context.sessionName,
      shell: process.env.SHELL || '/bin/sh',
      onEnded: (error) => void this.ended(recording, error),
    });
    if (this.closed) {
      await recording.stop();
      throw new RecordingError('Cannot record: the broadcast has ended.');
    }
    this.current = recording;
    await this.publish(file);
    this.events.changed(file);
  }

  /** Stops the recording; the finished file, or undefined when none was recording. */
  async stop(): Promise<string | undefined> {
    // A start under way finishes first: a stop asked meanwhile stops what it started.
    await this.starting?.catch(() => undefined);
    const recording = this.current;
    if (!recording) return undefined;
    this.current = undefined;
    const error = await recording.stop();
    await this.publish('');
    // Why it ended before that it ended: a listener then never calls a failed file complete.
    if (error) this.events.failed(error);
    this.events.changed(undefined);
    return recording.path;
  }

  /** The broadcast stops or this process lets it go: the file is finished; nothing more starts. */
  async close(): Promise<string | undefined> {
    this.closed = true;
    return this.stop();
  }

  private async ended(recording: HostRecording, error?: RecordingError): Promise<void> {
    if (this.current !== recording) return;
    this.current = undefined;
    await this.publish('');
    if (error) this.events.failed(error);
    this.events.changed(undefined);
  }

  /** The marker for other processes; a server already gone has nothing to tell. */
  private async publish(path: string): Promise<void> {
    await setMarkers(this.context.tmux, { [RECORDING_MARKER]: path }).catch(() => undefined);
  }
}
