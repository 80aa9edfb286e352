// Connect rate: bringing N viewers up, a few at a time (each: TCP, key exchange, login, pty,
// shell, and the first screen rendered with the host's prompt).
import { BenchContext } from '../context';
import { RouteUnderTest } from '../routes/route';
import { summarize, Summary } from '../stats';
import { bringUp, closeAll } from '../viewerPool';

export interface ConnectRow {
  route: string;
  viewers: number;
  concurrency: number;
  /** Viewers that came up. */
  up: number;
  wallMs: number;
  /** Viewers up per second over the whole wall time. */
  perSecond: number;
  /** Per viewer, from its connect to its first screen. */
  eachMs: Summary;
  failures: string[];
}

export async function measureConnect(ctx: BenchContext, route: RouteUnderTest, viewers: number): Promise<ConnectRow> {
  const run = await route.start();
  const pool = await bringUp(run.target, ctx.pool(viewers));
  try {
    const up = pool.upMs.length;
    return {
      route: route.name,
      viewers,
      concurrency: ctx.options.connectConcurrency,
      up,
      wallMs: pool.wallMs,
      perSecond: up / (pool.wallMs / 1000),
      eachMs: summarize(pool.upMs),
      failures: [...new Set(pool.failures)].slice(0, 5),
    };
  } finally {
    closeAll(pool.viewers);
    await run.stop();
  }
}
