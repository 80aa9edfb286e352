// Output from the broadcast host, batched for the webview. A busy host sends thousands of small
// chunks a second; posting each one would flood the webview's message queue. So: hold everything
// until the webview is ready (nothing is lost), then post at most one message per interval (one
// animation frame, ~16 ms), each at most `maxBatchBytes`; a backlog drains one batch per interval.
// Plain Node (no vscode), so it is unit-tested with fake timers.

import { realTimers, Timers } from '../../timers';

export type BatcherTimers = Timers;

export interface BatcherOptions {
  /** Minimum time between two posts. */
  intervalMs?: number;
  /** Largest message. Big enough that a screenful never splits, small enough to keep frames short. */
  maxBatchBytes?: number;
  timers?: BatcherTimers;
}

export class OutputBatcher {
  private readonly intervalMs: number;
  private readonly maxBatchBytes: number;
  private readonly timers: BatcherTimers;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private open = false;
  private disposed = false;
  private timer: unknown;
  private lastSent = -Infinity;

  constructor(private readonly send: (batch: Uint8Array) => void, options: BatcherOptions = {}) {
    this.intervalMs = options.intervalMs ?? 16;
    this.maxBatchBytes = options.maxBatchBytes ?? 256 * 1024;
    this.timers = options.timers ?? realTimers;
    if (this.maxBatchBytes < 1) throw new RangeError('maxBatchBytes must be at least 1');
  }

  /** Bytes waiting to be posted (all of them, before the webview is ready). */
  get backlog(): number {
    return this.pendingBytes;
  }

  push(data: Uint8Array): void {
    if (this.disposed || data.length === 0) return;
    this.pending.push(data);
    this.pendingBytes += data.length;
    this.schedule();
  }

  /** The webview said `ready`: from now on output flows, starting with what was held. */
  start(): void {
    if (this.disposed) return;
    this.open = true;
    this.schedule();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private schedule(): void {
    if (!this.open || this.timer !== undefined || this.pendingBytes === 0) return;
    // Right after a quiet spell the next tick posts (latency of an echo stays low); under load
    // the interval since the last post sets the pace.
    const wait = Math.max(0, this.lastSent + this.intervalMs - this.timers.now());
    this.timer = this.timers.setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.disposed) return;
    const size = Math.min(this.pendingBytes, this.maxBatchBytes);
    const batch = new Uint8Array(size);
    let offset = 0;
    while (offset < size) {
      const chunk = this.pending[0];
      const take = Math.min(chunk.length, size - offset);
      batch.set(take === chunk.length ? chunk : chunk.subarray(0, take), offset);
      offset += take;
      if (take === chunk.length) this.pending.shift();
      else this.pending[0] = chunk.subarray(take);
    }
    this.pendingBytes -= size;
    this.lastSent = this.timers.now();
    this.send(batch);
    this.schedule();
  }
}
