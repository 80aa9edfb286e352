// What every scenario gets: the options, the run's deadline and work folder, a progress log and
// the notes that end up in the JSON and under the table.
import { BenchOptions } from './options';
import { PoolOptions } from './viewerPool';

export class BenchContext {
  readonly notes: string[] = [];

  constructor(
    readonly options: BenchOptions,
    readonly workDir: string,
    /** Epoch ms after which no new measurement starts. */
    private deadline: number,
  ) {}

  private interrupted = false;

  /** Ctrl-C: start nothing new. */
  abort(): void {
    this.interrupted = true;
    this.deadline = 0;
  }

  /** Why a measurement was not started: for the notes. */
  get stopReason(): string {
    return this.interrupted ? 'the run was interrupted' : `the run's time limit (${this.options.timeLimitSec} s) was reached`;
  }

  remainingMs(): number {
    return this.deadline - Date.now();
  }

  /** Progress on stderr, so stdout holds only the table. */
  log(line: string): void {
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  }

  note(line: string): void {
    this.notes.push(line);
    this.log(`note: ${line}`);
  }

  /** How a scenario brings `count` viewers up: the run's sizes and concurrency, bounded in time. */
  pool(count: number, stalled = 0): PoolOptions {
    return {
      count,
      stalled,
      concurrency: this.options.connectConcurrency,
      sizes: this.options.sizes,
      perViewerTimeoutMs: 30_000,
      deadline: Date.now() + this.budget(180_000),
    };
  }

  /** A bound for one step: `wantedMs`, but never past the run's deadline (and at least 1 s). */
  budget(wantedMs: number): number {
    return Math.max(1000, Math.min(wantedMs, this.remainingMs()));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
