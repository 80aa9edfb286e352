// One guest's share of its size group's stream: the bytes go to the guest's sink (an SSH
// channel, a WebSocket), and the sink's own buffer is the guest's bounded queue. A guest that
// falls behind is not waited for: nothing more is queued for it, and once its sink has taken what
// it holds, it is resynchronised from the group's screen (a snapshot) and goes live again.
// Marks (curtain/curtainMarks.ts: where the curtain went down or up) travel in the same order as
// the bytes around them, queued with them, and a snapshot says which side of the curtain it is on.
import type { StreamMark } from '../curtain/curtainMarks';

/**
 * Where one guest's bytes go, as far as the feed needs it: an ssh2 ServerChannel is one as it is;
 * other routes wrap their transport (a WebSocket) in one.
 */
export interface GuestSink {
  /** False once the guest's transport is closing: nothing more is written. */
  readonly writable: boolean;
  /** Bytes written and not yet handed to the network: the guest's queue. */
  readonly writableLength: number;
  /** Writes `data`; `done` runs once it has left the queue. */
  write(data: Buffer, done: () => void): unknown;
  /** The queue emptied (after writableLength had reached the transport's high-water mark). */
  on(event: 'drain', listener: () => void): unknown;
  /**
   * A point of the stream between two writes: the curtain went down or up there. Only sinks
   * that care (a recording) have it; a guest's terminal sees the curtain's screen as bytes.
   * A snapshot is preceded by the mark of the side of the curtain it was taken on.
   */
  mark?(mark: StreamMark): void;
}

/** The guest's TCP socket, as far as the feed needs it: to send each write's pieces as one. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/** Bytes waiting in a guest's channel beyond which the guest counts as behind. */
export const BEHIND_AT = 256 * 1024;
/** Once a behind guest's channel holds this little, it is resynchronised. */
export const CAUGHT_UP_AT = 16 * 1024;

export type FeedState = 'live' | 'syncing' | 'behind' | 'gone';

/** What the feed needs from its group: a snapshot taken at the current point of the stream. */
export interface SnapshotSource {
  requestSnapshot(feed: GuestFeed, generation: number): void;
}

export class GuestFeed {
  state: FeedState = 'syncing';
  /** Which snapshot request is current; older answers are ignored. */
  generation = 0;
  private queue: Array<Buffer | StreamMark> = [];
  private queued = 0;
  private source: SnapshotSource | undefined;
  /** Waiting out startAfter(): not resynchronised on drain. */
  private holding = false;
  /** Times the guest fell behind and had its queue dropped (for tests and benchmarks). */
  drops = 0;
  /** Snapshots sent (joins, moves and resyncs). */
  snapshots = 0;
  /** The most bytes ever waiting in the guest's channel. */
  maxBuffered = 0;

  constructor(
    private readonly sink: GuestSink,
    private readonly socket?: Corkable,
  ) {
    sink.on('drain', () => this.maybeCatchUp());
  }

  /** Starts the feed on `source`: live at once (a group that has sent nothing yet) or from a snapshot. */
  start(source: SnapshotSource, live: boolean): void {
    this.source = source;
    this.holding = false;
    this.queue = [];
    this.queued = 0;
    if (live) {
      this.state = 'live';
    } else {
      this.state = 'syncing';
      source.requestSnapshot(this, ++this.generation);
    }
  }

  /**
   * Starts the feed on `source` only after `ms` (a notice stays readable meanwhile); the group's
   * bytes until then are not queued: the snapshot covers them.
   */
  startAfter(source: SnapshotSource, ms: number): void {
    this.source = source;
    this.state = 'behind';
    this.holding = true;
    const generation = ++this.generation;
    const timer = setTimeout(() => {
      if (this.generation === generation && this.source === source) this.start(source, false);
    }, ms);
    timer.unref();
  }

  /** Live bytes of the group, in stream order. */
  push(data: Buffer): void {
    switch (this.state) {
      case 'live':
        if (this.sink.writableLength >= BEHIND_AT) this.fallBehind();
        else this.send(data);
        return;
      case 'syncing':
        // Held until the snapshot for this point of the stream is sent; bounded too.
        this.queue.push(data);
        this.queued += data.length;
        if (this.queued >= BEHIND_AT && this.source) {
          this.drops++;
          this.start(this.source, false);
        }
        return;
      default:
        return; // behind or gone: dropped
    }
  }

  /** A mark of the group's stream, in order with its bytes (dropped with them when behind). */
  mark(mark: StreamMark): void {
    if (this.state === 'live') this.sink.mark?.(mark);
    else if (this.state === 'syncing') this.queue.push(mark);
  }

  /**
   * The group's answer to requestSnapshot: the screen at the point where `queue` starts, and
   * which side of the curtain that point is on (undefined: a source without a curtain).
   */
  deliverSnapshot(generation: number, snapshot: string, curtain?: StreamMark['curtain']): void {
    if (generation !== this.generation || this.state !== 'syncing') return;
    this.snapshots++;
    if (curtain) this.sink.mark?.({ curtain });
    this.send(Buffer.from(snapshot, 'utf8'));
    for (const item of this.queue) {
      if (Buffer.isBuffer(item)) this.send(item);
      else this.sink.mark?.(item);
    }
    this.queue = [];
    this.queued = 0;
    this.state = 'live';
  }

  /** Stops the feed (the guest leaves or moves); nothing more is written by it. */
  stop(): void {
    this.state = 'gone';
    this.holding = false;
    this.generation++;
    this.queue = [];
    this.queued = 0;
    this.source = undefined;
  }

  /** Writes bytes of the guest's own (a notice, a farewell) outside the group's stream. */
  write(data: string): void {
    if (this.sink.writable) this.send(Buffer.from(data, 'utf8'));
  }

  private send(data: Buffer): void {
    // ssh2 hands each packet to the socket in pieces (four when its native ciphers are missing,
    // as in VS Code), each a system call of its own: corked for the length of this one write,
    // they leave as one writev, at once (no waiting for the other guest).
    this.socket?.cork();
    this.sink.write(data, () => this.maybeCatchUp());
    this.socket?.uncork();
    if (this.sink.writableLength > this.maxBuffered) this.maxBuffered = this.sink.writableLength;
  }

  private fallBehind(): void {
    this.state = 'behind';
    this.drops++;
  }

  private maybeCatchUp(): void {
    if (this.state === 'behind' && !this.holding && this.source && this.sink.writableLength <= CAUGHT_UP_AT) this.start(this.source, false);
  }
}
