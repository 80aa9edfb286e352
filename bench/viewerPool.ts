// Bringing many viewers up a few at a time, and taking them down again.
import { performance } from 'node:perf_hooks';
import { PROMPT } from './host/hostConfig';
import { ViewerSize } from './options';
import { BenchViewer, connectViewer, ViewerTarget } from './viewerClient';


export interface PoolOptions {
  count: number;
  concurrency: number;
  /** Given out in turn. */
  sizes: ViewerSize[];
  /** How many of them never read their channel (they count as up once their channel opens). */
  stalled?: number;
  /** For each viewer: connect, log in, shell, first screen. */
  perViewerTimeoutMs: number;
  /** For the whole pool. */
  deadline: number;
}

export interface PoolResult {
  viewers: BenchViewer[];
  /** ms from starting a viewer's connection to its first screen showing the prompt. */
  upMs: number[];
  wallMs: number;
  failures: string[];
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connects `count` viewers, `concurrency` at a time; the first `stalled` of them never read.
 * Several targets (the relays of one broadcast): viewers are spread over them in turn.
 */
export async function bringUp(target: ViewerTarget | readonly ViewerTarget[], options: PoolOptions, into: BenchViewer[] = []): Promise<PoolResult> {
  const targets: readonly ViewerTarget[] = Array.isArray(target) ? target : [target as ViewerTarget];
  const started = performance.now();
  const result: PoolResult = { viewers: into, upMs: [], wallMs: 0, failures: [] };
  let next = 0;
  /** Failures since the last viewer that came up: many in a row stop the pool (the server has stopped serving). */
  let inARow = 0;
  const base = into.length; // sizes continue where earlier viewers of the same broadcast stopped
  const one = async (index: number): Promise<void> => {
    const t0 = performance.now();
    const stalled = index < (options.stalled ?? 0);
    const budget = Math.min(options.perViewerTimeoutMs, Math.max(1000, options.deadline - Date.now()));
    try {
      const size = options.sizes[(base + index) % options.sizes.length];
      const viewer = await connectViewer(targets[(base + index) % targets.length], { ...size, stalled, timeoutMs: budget });
      result.viewers.push(viewer);
      if (!stalled) {
        await withTimeout(viewer.whenVisible(PROMPT), budget, 'the first screen').catch((error: Error) => {
          // What the guest was shown instead (a refusal, a relay's message) says why.
          const shown = viewer.screen.lines().filter((l) => l.trim()).slice(-2).join(' | ');
          throw new Error(`${error.message}${viewer.closed ? ' (the server closed the connection)' : ''}${shown ? `; the screen showed: ${shown.slice(0, 300)}` : ''}`);
        });
      }
      result.upMs.push(performance.now() - t0);
      inARow = 0;
    } catch (error) {
      inARow += 1;
      result.failures.push(error instanceof Error ? error.message : String(error));
    }
  };
  const worker = async (): Promise<void> => {
    while (next < options.count && Date.now() < options.deadline) {
      const index = next++;
      await one(index);
      // Stop early on systematic failure instead of waiting out every timeout.
      if (result.failures.length >= 3 && result.failures.length > result.upMs.length) return;
      if (inARow >= 2 * options.concurrency) return;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.count) }, worker));
  result.wallMs = performance.now() - started;
  return result;
}

export function closeAll(viewers: BenchViewer[]): void {
  for (const v of viewers.splice(0)) v.close();
}
