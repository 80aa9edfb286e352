// The host's recording: a member of the broadcast's fan-out at the HOST's window size (the
// broadcast's one host-size feed, fanout/hostSizeFeed.ts), like the live stream
// (web/streamViewer.ts): it records the host's screen at the host's size however many guests of
// other sizes watch, and follows the host's resizes ("r", then the screen at the new size from
// the new group's snapshot). Its sink is the file (castRecorder.ts): the fan-out's feed gives it
// the late joiner's first screen, the curtain's marks, and the bounded queue with
// resynchronisation when the disk falls behind.
import type { TerminalSize } from '../../wire/hostSize';
import { GuestFeed } from '../fanout/guestFeed';
import type { HostSizeSource } from '../fanout/hostSizeFeed';
import type { GroupMember, SizeGroup } from '../fanout/sizeGroup';
import type { SizeGroups } from '../fanout/sizeGroups';
import { CastRecorder, type CastRecorderOptions } from './castRecorder';
import { RecordingError } from './recordingFileErrors';

/** What players emulate, and the TERM the recording's tmux client draws for. */
export const RECORDING_TERM = 'xterm-256color';

export interface HostRecordingOptions extends CastRecorderOptions {
  groups: SizeGroups;
  hostSize: HostSizeSource;
  /** The size to start at: the host's terminal now, or the session's window when no host is attached. */
  initialSize: () => Promise<TerminalSize | undefined>;
  title: string;
  shell?: string;
  /** The recording ended by itself: its tmux client exited (the broadcast ended), or writing failed. */
  onEnded: (error?: RecordingError) => void;
}

export class HostRecording implements GroupMember {
  readonly feed: GuestFeed;
  private group: SizeGroup | undefined;
  private size: TerminalSize | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  private constructor(
    readonly recorder: CastRecorder,
    private readonly options: HostRecordingOptions,
    size: TerminalSize,
  ) {
    this.feed = new GuestFeed(recorder);
    recorder.on('error', (error) => {
      if (this.stopped) return;
      void this.stop().then(() => options.onEnded(error));
    });
    this.follow(size);
    this.unsubscribe = options.hostSize.subscribe((s) => this.follow(s));
  }

  /** Makes the file (the header at the host's size) and joins the fan-out at that size. */
  static async start(path: string, options: HostRecordingOptions): Promise<HostRecording> {
    // Read once now, not waited for from the feed (which says nothing while no host is attached).
    const size = await options.initialSize();
    if (!size) throw new RecordingError("Cannot record: tmux did not tell the host's window size (is the broadcast's session still there?).");
    const recorder = await CastRecorder.create(path, { cols: size.cols, rows: size.rows, term: RECORDING_TERM, shell: options.shell, title: options.title }, options);
    return new HostRecording(recorder, options, size);
  }

  get path(): string {
    return this.recorder.path;
  }

  /** The host's window size now: the first call joins; later ones resize, then move. */
  private follow(size: TerminalSize): void {
    if (this.stopped) return;
    if (this.size && this.size.cols === size.cols && this.size.rows === size.rows && this.group) return;
    const moving = this.group !== undefined;
    this.size = size;
    // The resize first, so the new group's snapshot draws on a screen of its size.
    if (moving) this.recorder.resize(size.cols, size.rows);
    this.group?.remove(this);
    this.group = this.options.groups.placeExact(this, size.cols, size.rows, RECORDING_TERM);
  }

  onGroupExit(): void {
    this.group = undefined;
    if (this.stopped) return;
    // The session or the broadcast ended: the recording is complete.
    void this.stop().then((error) => this.options.onEnded(error));
  }

  /** Leaves the fan-out and closes the file (everything recorded written); the write error, if any. */
  async stop(): Promise<RecordingError | undefined> {
    if (!this.stopped) {
      this.stopped = true;
      this.unsubscribe?.();
      this.group?.remove(this);
      this.group = undefined;
    }
    return this.recorder.end();
  }
}
