// Latency: a marker typed into the host's session (one send-keys through the control client)
// until it is rendered on every viewer's screen. Each marker gives one sample per viewer.
import { performance } from 'node:perf_hooks';
import { BenchContext, sleep } from '../context';
import { RouteRun, RouteUnderTest } from '../routes/route';
import { summarize, Summary } from '../stats';
import { BenchViewer } from '../viewerClient';
import { bringUp, closeAll } from '../viewerPool';

export interface LatencyRow {
  route: string;
  viewers: number;
  markers: number;
  /** One sample per marker and viewer, in ms. */
  ms: Summary;
  /** One sample per marker: until the LAST viewer showed it (the whole fan-out). */
  everyViewerMs: Summary;
  /** Markers not seen by every viewer within the per-marker limit. */
  timeouts: number;
}

const MARKER_LIMIT_MS = 2000;
/** A pause after each marker's Enter, as between a typist's words (and so output does not pile up). */
const GAP_MS = 15;
/** Untimed markers first: the first ones pay for JIT compilation in the bench and the host. */
const WARM_UP = 5;

export async function measureLatency(ctx: BenchContext, route: RouteUnderTest, viewers: number): Promise<LatencyRow> {
  const run = await route.start();
  const pool = await bringUp(run.target, ctx.pool(viewers));
  try {
    if (pool.viewers.length < viewers) throw new Error(`only ${pool.viewers.length} of ${viewers} viewers came up: ${pool.failures[0] ?? ''}`);
    return { route: route.name, viewers, ...(await sampleLatency(ctx, run, pool.viewers)) };
  } finally {
    closeAll(pool.viewers);
    await run.stop();
  }
}

export interface LatencySamples {
  markers: number;
  ms: Summary;
  everyViewerMs: Summary;
  timeouts: number;
}

/** Types ctx.options.samples markers (after WARM_UP untimed ones) into `run`, timed on `viewers`. */
export async function sampleLatency(ctx: BenchContext, run: RouteRun, viewers: BenchViewer[]): Promise<LatencySamples> {
  const samples: number[] = [];
  const lastViewer: number[] = [];
  let timeouts = 0;
  const deadline = Date.now() + ctx.budget(90_000);
  const tag = Math.random().toString(36).slice(2, 6);
  let markers = 0;
  for (let i = -WARM_UP; i < ctx.options.samples && Date.now() < deadline; i++) {
    // "#" makes the line a shell comment: Enter then just prints a new prompt.
    const marker = `lat${tag}${String(i + WARM_UP).padStart(5, '0')}z`;
    const seen = viewers.map((v) => v.whenVisible(marker));
    const t0 = performance.now();
    await run.control.type(`#${marker}`);
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), MARKER_LIMIT_MS);
    });
    const times = await Promise.race([Promise.all(seen), limit]);
    clearTimeout(timer);
    if (i >= 0) markers++;
    if (times === 'timeout') {
      if (i >= 0) timeouts++;
      for (const v of viewers) v.clearWatches();
    } else if (i >= 0) {
      for (const t of times) samples.push(t - t0);
      lastViewer.push(Math.max(...times) - t0);
    }
    await run.control.keys('Enter');
    await sleep(GAP_MS);
  }
  return { markers, ms: summarize(samples), everyViewerMs: summarize(lastViewer), timeouts };
}
