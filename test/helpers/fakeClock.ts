// A clock that moves only when the test says so: for the paced output of the viewer's batcher
// and the host's frame pacer (src/timers.ts).
import type { Timers } from '../../src/timers';

export class FakeClock implements Timers {
  time = 0;
  private queue: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.queue.push({ at: this.time + ms, callback, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((t) => t.id !== handle);
  }
  now(): number {
    return this.time;
  }
  /** Runs every timer due up to `ms` from now, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (let guard = 0; guard < 100_000; guard++) {
      this.queue.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.queue[0];
      if (!next || next.at > end) break;
      this.queue.shift();
      this.time = next.at;
      next.callback();
    }
    this.time = end;
  }
  get pendingTimers(): number {
    return this.queue.length;
  }
}
