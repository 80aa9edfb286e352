// One bench viewer, whatever carries its output (an SSH channel, a browser's WebSocket): its
// output is rendered by @xterm/headless exactly as a guest's terminal would. Waiting for text
// looks at the rows around the cursor only (where typed text and a command's last line appear),
// so checking after every write stays cheap with hundreds of viewers in one process.
import { performance } from 'node:perf_hooks';
import { Screen } from '../../test/helpers/screen';

export interface ViewerOptions {
  cols: number;
  rows: number;
  /** A stalled viewer never reads: what the server sends it piles up on the server's side. */
  stalled?: boolean;
  timeoutMs?: number;
}

/** What carries a viewer's output: the transport's side of holding reading and hanging up. */
export interface ViewerTransport {
  /** Stops reading the connection (the server cannot tell; the kernel holds what it sends). */
  holdReading(): void;
  resumeReading(): void;
  close(): void;
}

interface Watch {
  text: string;
  resolve: (at: number) => void;
}

export class BenchViewer {
  readonly screen: Screen;
  private transport: ViewerTransport | undefined;
  private watches: Watch[] = [];
  private pendingWrites = 0;
  private disposed = false;
  /** Terminal output bytes received (the SSH channel's data, the WebSocket's binary frames). */
  bytes = 0;
  closed = false;

  constructor(readonly options: ViewerOptions) {
    this.screen = new Screen(options.cols, options.rows);
  }

  get stalled(): boolean {
    return this.options.stalled === true;
  }

  /** Set once by the transport that connected this viewer. */
  attach(transport: ViewerTransport): void {
    this.transport = transport;
  }

  /** Terminal output as it arrives: rendered, then checked against pending watches. */
  render(data: Uint8Array): void {
    this.bytes += data.length;
    this.pendingWrites += 1;
    this.screen.term.write(data, () => {
      this.pendingWrites -= 1;
      if (this.watches.length) this.check();
    });
  }

  /** True when `text` is on one of the `span` rows that end at the cursor's row. */
  nearCursor(text: string, span = 3): boolean {
    const buffer = this.screen.term.buffer.active;
    const y = buffer.baseY + buffer.cursorY;
    for (let row = Math.max(0, y - span + 1); row <= y; row++) {
      if (buffer.getLine(row)?.translateToString(true).includes(text)) return true;
    }
    return false;
  }

  /** Resolves with performance.now() at the first rendered write after which `text` is near the cursor. */
  whenVisible(text: string): Promise<number> {
    if (this.pendingWrites === 0 && this.nearCursor(text)) return Promise.resolve(performance.now());
    return new Promise<number>((resolve) => this.watches.push({ text, resolve }));
  }

  /**
   * Stops reading the connection (nothing is decrypted, parsed or rendered) until resumeReading().
   * The server cannot tell: what it sends waits in the kernel's socket buffer, as it would on its
   * way to a guest on another machine.
   */
  holdReading(): void {
    this.transport?.holdReading();
  }

  resumeReading(): void {
    this.transport?.resumeReading();
  }

  /** Forgets pending watches (a sample that timed out). */
  clearWatches(): void {
    this.watches = [];
  }

  private check(): void {
    const now = performance.now();
    this.watches = this.watches.filter((w) => {
      if (!this.nearCursor(w.text)) return true;
      w.resolve(now);
      return false;
    });
  }

  close(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.closed = true;
    this.watches = [];
    const transport = this.transport;
    this.transport = undefined;
    transport?.close();
    this.screen.dispose();
  }
}
