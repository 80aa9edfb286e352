// Paces a size group's output to its viewers: passed on the moment it is read while the host
// types and works, in frames while the host's session floods (a build log, a `cat` of a file).
//
// Why: every piece passed on is one SSH packet per viewer, each encrypted and sent on its own
// (ssh2's per-packet work, its random padding, a system call), and then decrypted and parsed on
// every guest's machine. During a flood tmux hands its client a piece every few milliseconds: a
// 20 MiB `cat` with 200 viewers meant about 30,000 packets and 22 MB, on the same CPUs as the
// host's tmux. A frame gathers a flood's output for FRAME_MS; the group then sends the frame, or
// the screen it leaves when that is smaller (sizeGroup.ts). tmux does the same for a terminal
// that cannot keep up: it redraws it every 100 ms.
//
// Why not always: a keystroke's echo must not wait for a frame. Until the output within one
// WINDOW_MS reaches FLOOD_BYTES (typing, a prompt, a command's few lines stay far below), every
// piece goes out at once; and a frame that gathers less than that rate, in fewer than BUSY_PIECES
// reads, ends the flood.
import { realTimers, Timers } from '../../timers';

/** Length of a frame while the session floods: tmux's own redraw interval for a slow terminal. */
export const FRAME_MS = 100;
/**
 * Output within one window that starts a flood (UTF-16 characters, bytes for plain text):
 * typing makes a few hundred, a 20 MiB `cat` about 19,000 per window.
 */
export const FLOOD_BYTES = 8 * 1024;
export const WINDOW_MS = 100;
/**
 * Reads within one frame that keep a flood in frames even when they hold little. A tmux client
 * that cannot keep up is redrawn by tmux every 100 ms (a screen, under FLOOD_BYTES) and sent a
 * cursor move every few milliseconds in between (15 bytes, 10 to 20 reads per frame); passed on
 * one by one, each was an SSH packet (or a NATS frame, then an SSH packet) per guest: about 1,700
 * per guest per 20 MiB cat on a loaded machine, where framed they are 10 a second. A typist's
 * echo is one or two reads per frame, so the first frame after the flood still ends it.
 */
export const BUSY_PIECES = 4;

/** A frame's output goes to the group, which calls `done` once it has sent it. */
export type EmitFrame = (data: string, done: () => void) => void;

export class OutputPacer {
  private windowStart = -Infinity;
  private windowBytes = 0;
  private pending: string[] = [];
  private timer: unknown;
  /** A frame is being emitted (emitFrame has not called done yet). */
  private sending = false;
  /** flush() came while a frame was being emitted: the rest goes right after it, then this is called. */
  private flushed: (() => void) | undefined;

  /**
   * @param emit passes output on as it comes.
   * @param emitFrame passes a frame's output on, and calls `done` once it has (it may take a
   * moment: the group renders the frame first); nothing else is emitted meanwhile.
   * @param timers for tests: timers and clock.
   */
  constructor(
    private readonly emit: (data: string) => void,
    private readonly emitFrame: EmitFrame,
    private readonly timers: Timers = realTimers,
  ) {}

  /** Whether output is being gathered into a frame, or a frame is being sent. */
  private get framing(): boolean {
    return this.timer !== undefined || this.sending;
  }

  /** Output read from the group's tmux client, in order. */
  push(data: string): void {
    if (this.framing) {
      this.pending.push(data);
      return;
    }
    const now = this.timers.now();
    if (now - this.windowStart >= WINDOW_MS) {
      this.windowStart = now;
      this.windowBytes = 0;
    }
    this.windowBytes += data.length;
    this.emit(data);
    // A flood: what comes next waits for the end of this frame.
    if (this.windowBytes >= FLOOD_BYTES) this.startFrame();
  }

  /**
   * Passes on what is gathered now, as it came (the group's client exited: its last output must
   * not wait), then calls `then`: after a frame being emitted, if there is one.
   */
  flush(then: () => void = () => undefined): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.sending) {
      this.flushed = then;
      return;
    }
    this.emitPending();
    then();
  }

  private startFrame(): void {
    this.timer = this.timers.setTimeout(() => this.endFrame(), FRAME_MS);
  }

  private endFrame(): void {
    this.timer = undefined;
    if (this.pending.length === 0) return; // the flood is over: back to passing on at once
    const pieces = this.pending.length;
    const data = this.takePending();
    // A frame that gathered less than a flood's rate, in a few reads, ends the flood: the next
    // keystroke's echo must not wait for a frame because a progress bar or a clock also prints
    // now and then. Many small reads (tmux redrawing a client it cannot keep up with) do not.
    const flooding = data.length >= (FLOOD_BYTES * FRAME_MS) / WINDOW_MS || pieces >= BUSY_PIECES;
    // This frame's output goes now; nothing else does until it has gone (output meanwhile waits
    // in `pending`, so the order is kept).
    this.sending = true;
    this.emitFrame(data, () => {
      this.sending = false;
      const then = this.flushed;
      if (then) {
        this.flushed = undefined;
        this.emitPending();
        then();
      } else if (flooding) {
        this.startFrame();
      } else {
        // Out of the flood: a new window starts, and what came meanwhile is passed on as if it came now.
        this.windowStart = -Infinity;
        const meanwhile = this.pending;
        this.pending = [];
        for (const piece of meanwhile) this.push(piece);
      }
    });
  }

  private emitPending(): void {
    if (this.pending.length === 0) return;
    this.emit(this.takePending());
  }

  private takePending(): string {
    const data = this.pending.length === 1 ? this.pending[0] : this.pending.join('');
    this.pending = [];
    return data;
  }
}
