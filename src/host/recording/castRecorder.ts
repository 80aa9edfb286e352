// One recording: asciicast v2 (src/wire/asciicast.ts, the one encoder) into a CastFile. A
// GuestSink, so the host's recording is a member of the fan-out like any guest (its file is its
// bounded queue); the watcher's recording writes to it directly.
//
// The curtain (src/host/curtain/curtainMarks.ts): the feed tells a sink where the curtain went
// down and up, in order with the bytes, and before each snapshot which side it was taken on. The
// file gets a marker ("m") where the curtain went down, then NOTHING of the output (the curtain's
// screen, the session's bytes, a snapshot taken while down: all dropped here) until a marker
// where it went up; the output after it is the screen as tmux redraws it then. Resize events
// still go in while down: a size says nothing of the screen, and the player needs it after.
//
// A file is played back into people's own terminals (`asciinema cat`, `asciinema play`), so it
// holds what a watcher's terminal acts on (src/watcher/sequencePolicy.ts, through OutputFilter):
// no queries (tmux's `ESC [>c`, `ESC [>q` at every attach: the player's terminal would answer them
// into its user's shell), no mouse reporting, no titles or clipboard.
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { StreamMark } from '../curtain/curtainMarks';
import { AsciicastEncoder, type CastHeaderInfo, type MonotonicClock } from '../../wire/asciicast';
import type { GuestSink } from '../fanout/guestFeed';
import { CastFile, type CastFileOptions } from './castFile';
import type { RecordingError } from './recordingFileErrors';
import { OutputFilter } from '../../watcher/outputFilter';

/** The markers' labels, as players list them. */
export const CURTAIN_DOWN_LABEL = 'curtain down';
export const CURTAIN_UP_LABEL = 'curtain up';

export interface CastRecorderOptions extends CastFileOptions {
  /** Monotonic milliseconds for event times (performance.now() by default; tests pass their own). */
  clock?: MonotonicClock;
}

interface CastRecorderEvents {
  drain: [];
  /** Writing failed (a full disk): the recording has stopped; the file keeps what was written. */
  error: [RecordingError];
}

export class CastRecorder extends EventEmitter<CastRecorderEvents> implements GuestSink {
  private readonly encoder: AsciicastEncoder;
  private filter = new OutputFilter();
  /** Between a 'down' and an 'up' mark: output is dropped. */
  private curtained = false;
  private ended = false;

  private constructor(
    private readonly file: CastFile,
    header: CastHeaderInfo,
    clock: MonotonicClock,
  ) {
    super();
    this.encoder = new AsciicastEncoder(2, clock);
    file.append(this.encoder.header(header));
    file.on('drain', () => this.emit('drain'));
    file.on('error', (error) => this.emit('error', error));
  }

  /** Makes the file (never over an existing one without `force`) and writes the header. */
  static async create(path: string, header: CastHeaderInfo, options: CastRecorderOptions = {}): Promise<CastRecorder> {
    const file = await CastFile.open(path, options);
    return new CastRecorder(file, { timestamp: Date.now() / 1000, ...header }, options.clock ?? (() => performance.now()));
  }

  get path(): string {
    return this.file.path;
  }

  /** Whether the curtain is down at the current end of the recording. */
  get behindCurtain(): boolean {
    return this.curtained;
  }

  get writable(): boolean {
    return !this.ended && this.file.writable;
  }

  get writableLength(): number {
    return this.file.writableLength;
  }

  /** Bytes in the file so far. */
  get bytesWritten(): number {
    return this.file.written;
  }

  /** Output as the recorded terminal got it: one "o" event (none behind the curtain). */
  write(data: Buffer | Uint8Array, done: () => void = () => undefined): boolean {
    if (!this.writable || this.curtained) {
      setImmediate(done);
      return true;
    }
    const shown = this.filter.push(data);
    const line = shown.length ? this.encoder.output(shown) : undefined;
    if (line) this.file.append(line, done);
    else setImmediate(done);
    return this.file.writableLength < 64 * 1024;
  }

  mark(mark: StreamMark): void {
    if (!this.writable) return;
    if (mark.curtain === 'down') {
      if (this.curtained) return;
      // A character cut in half before the curtain is ended here, not joined to what comes after it.
      const rest = this.encoder.end();
      if (rest) this.file.append(rest);
      this.curtained = true;
      // A sequence cut by the curtain is not joined to what comes after it.
      this.filter = new OutputFilter();
      this.file.append(this.encoder.marker(CURTAIN_DOWN_LABEL));
    } else {
      if (!this.curtained) return;
      this.curtained = false;
      this.file.append(this.encoder.marker(CURTAIN_UP_LABEL));
    }
  }

  /** The recorded terminal's size changed ("r"); call before the output drawn at the new size. */
  resize(cols: number, rows: number): void {
    if (this.writable) this.file.append(this.encoder.resize(cols, rows));
  }

  /** Ends the recording: the last incomplete character (if any), everything written, the file closed. */
  async end(): Promise<RecordingError | undefined> {
    if (!this.ended) {
      this.ended = true;
      if (this.file.writable && !this.curtained) {
        const rest = this.encoder.end();
        if (rest) this.file.append(rest);
      }
    }
    return this.file.close();
  }
}
