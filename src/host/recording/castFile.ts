// A recording's file: lines appended in memory and written in batches, so a fast session costs
// one write(2) per batch rather than one per event. Bounded three ways:
//   - time: what is appended reaches the file within FLUSH_MS (a crash of this process loses at
//     most that much; the kernel has the rest);
//   - memory: writableLength is what waits (in memory and in the write under way), like a
//     socket's, with a 'drain' once it has gone down again. The host's recording is a fan-out
//     member (GuestFeed), which stops giving a member that falls BEHIND_AT behind anything and
//     resynchronises it from the group's screen once it has caught up: a slow disk makes a
//     recording skip ahead (as a slow guest's view does), never hold the session's output.
//     A writer with no such feed above it (the watcher's recording) is stopped with an error
//     when MAX_PENDING waits;
//   - errors: a failed write (a full disk) stops the file for good with a RecordingError
//     ('error'); what was written stays.
// An existing file is never replaced unless asked (open 'wx').
import { EventEmitter } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import { openFailure, RecordingError, writeFailure } from './recordingFileErrors';

/** Longest an appended line waits in memory. */
export const FLUSH_MS = 250;
/** Waiting bytes that make a batch worth writing at once. */
const BATCH_BYTES = 64 * 1024;
/** Waiting bytes beyond which 'drain' is owed once they are written. */
const HIGH_WATER = 64 * 1024;
/** Waiting bytes beyond which the file gives up: the disk cannot keep up at all. */
export const MAX_PENDING = 16 * 1024 * 1024;

export interface CastFileOptions {
  /** Replace an existing file (else it is an error). */
  force?: boolean;
  /** Tests: a shorter or longer flush delay. */
  flushMs?: number;
  /** Tests: a smaller bound on waiting bytes. */
  maxPending?: number;
}

interface CastFileEvents {
  drain: [];
  error: [RecordingError];
}

export class CastFile extends EventEmitter<CastFileEvents> {
  private pending: string[] = [];
  private pendingBytes = 0;
  /** Callbacks of the lines in `pending`, run once they are written (or dropped by a failure). */
  private pendingDone: Array<() => void> = [];
  private writingBytes = 0;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private owesDrain = false;
  private closed = false;
  /** The error that stopped the file, once it has. */
  failure: RecordingError | undefined;
  /** Bytes handed to the file system so far. */
  written = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly flushMs: number,
    private readonly maxPending: number,
  ) {
    super();
  }

  /** Makes the file (an existing one only with force); the error says what to do. */
  static async open(path: string, options: CastFileOptions = {}): Promise<CastFile> {
    let handle: FileHandle;
    try {
      handle = await open(path, options.force ? 'w' : 'wx', 0o644);
    } catch (error) {
      throw openFailure(path, error);
    }
    return new CastFile(path, handle, options.flushMs ?? FLUSH_MS, options.maxPending ?? MAX_PENDING);
  }

  /** False once the file failed or was closed: appends are dropped. */
  get writable(): boolean {
    return !this.closed && !this.failure;
  }

  /** Bytes appended and not yet written: the recording's queue. */
  get writableLength(): number {
    return this.pendingBytes + this.writingBytes;
  }

  /** Appends `line` and a newline; `done` runs once it is written (or can no longer be). */
  append(line: string, done?: () => void): void {
    if (!this.writable) {
      if (done) setImmediate(done);
      return;
    }
    const text = line + '\n';
    this.pending.push(text);
    this.pendingBytes += Buffer.byteLength(text);
    if (done) this.pendingDone.push(done);
    if (this.writableLength >= HIGH_WATER) this.owesDrain = true;
    if (this.writableLength > this.maxPending) {
      this.fail(new RecordingError(`Recording to ${this.path} stopped: the disk took too long to write it (${Math.round(this.writableLength / 1024 / 1024)} MiB waiting). What was recorded until then is in the file.`));
      return;
    }
    if (this.pendingBytes >= BATCH_BYTES) this.kick();
    else if (!this.timer) {
      // Not unref'd: lines waiting to be written keep the process until they are.
      this.timer = setTimeout(() => this.kick(), this.flushMs);
    }
  }

  /** Writes everything appended so far and closes the file; the error, if writing failed. */
  async close(): Promise<RecordingError | undefined> {
    if (this.closed) return this.failure;
    // Everything appended goes out first (a write under way finishes, then the rest).
    while (this.writable && (this.writing || this.pending.length)) {
      this.kick();
      await this.writing;
    }
    this.closed = true;
    this.clearTimer();
    await this.handle.close().catch(() => undefined);
    return this.failure;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Starts writing what waits, unless a write is under way (its end starts the next). */
  private kick(): void {
    this.clearTimer();
    if (this.writing || !this.pending.length || !this.writable) return;
    const data = Buffer.from(this.pending.join(''), 'utf8');
    const done = this.pendingDone;
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingDone = [];
    this.writingBytes = data.length;
    this.writing = this.writeAll(data).then(
      () => {
        this.written += data.length;
        this.writingBytes = 0;
        this.writing = undefined;
        for (const d of done) d();
        if (this.owesDrain && this.writableLength < HIGH_WATER) {
          this.owesDrain = false;
          this.emit('drain');
        }
        // Lines appended meanwhile: a batch's worth goes at once, the rest within flushMs.
        if (this.pendingBytes >= BATCH_BYTES) this.kick();
        else if (this.pending.length && !this.timer && this.writable) {
          this.timer = setTimeout(() => this.kick(), this.flushMs);
        }
      },
      (error: unknown) => {
        this.writingBytes = 0;
        this.writing = undefined;
        for (const d of done) d();
        this.fail(writeFailure(this.path, error));
      },
    );
  }

  private async writeAll(data: Buffer): Promise<void> {
    let at = 0;
    while (at < data.length) {
      const { bytesWritten } = await this.handle.write(data, at, data.length - at);
      if (bytesWritten <= 0) throw Object.assign(new Error('no bytes were written'), { code: 'EIO' });
      at += bytesWritten;
    }
  }

  /** Stops the file for good: what waits is dropped (its callbacks run), the file is closed. */
  private fail(error: RecordingError): void {
    if (this.failure || this.closed) return;
    this.failure = error;
    this.clearTimer();
    const done = this.pendingDone;
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingDone = [];
    for (const d of done) setImmediate(d);
    // Closed once any write under way has ended.
    void (this.writing ?? Promise.resolve()).then(() => {
      if (!this.closed) {
        this.closed = true;
        return this.handle.close().catch(() => undefined);
      }
    });
    this.emit('error', error);
  }
}
