// Memory per viewer: PSS of everything the broadcast runs (host node process, tmux server and
// clients, sshd processes on the system route) as idle viewers are added on one broadcast.
import { BenchContext, sleep } from '../context';
import { measurePss, PssReport } from '../pss';
import { RouteUnderTest } from '../routes/route';
import { median, slope } from '../stats';
import { BenchViewer } from '../viewerClient';
import { bringUp, closeAll } from '../viewerPool';

export interface MemoryPoint {
  viewers: number;
  pssMiB: number;
  /** Private pages only; unlike PSS it does not depend on what else maps the same files (other node processes). */
  ussMiB: number;
  processes: number;
  /** MiB and process count per kind of process (node, tmux server, tmux client, sshd, shell). */
  byKind: Record<string, { mib: number; count: number }>;
}

export interface MemoryRow {
  route: string;
  points: MemoryPoint[];
  /** Least-squares slope over all points: MiB per added viewer. */
  slopeMiBPerViewer: number | null;
}

const SETTLE_MS = 1500;
/** The system route runs two processes per viewer; beyond this the bench would measure swapping. */
export const SYSTEM_MEMORY_MAX = 200;
const READINGS = 3;

function toPoint(viewers: number, reports: PssReport[]): MemoryPoint {
  // The reading with the median total stands for the point (GC and lazy allocation jitter).
  const totals = reports.map((r) => r.totalKiB);
  const mid = median(totals);
  const chosen = reports.reduce((best, r) => (Math.abs(r.totalKiB - mid) < Math.abs(best.totalKiB - mid) ? r : best));
  const byKind: MemoryPoint['byKind'] = {};
  for (const [kind, v] of Object.entries(chosen.byKind)) byKind[kind] = { mib: v.kib / 1024, count: v.count };
  return { viewers, pssMiB: mid / 1024, ussMiB: chosen.ussKiB / 1024, processes: chosen.processes, byKind };
}

export async function measureMemory(ctx: BenchContext, route: RouteUnderTest, counts: number[]): Promise<MemoryRow> {
  const run = await route.start();
  const viewers: BenchViewer[] = [];
  const points: MemoryPoint[] = [];
  try {
    for (const count of [...counts].sort((a, b) => a - b)) {
      if (route.name === 'system' && count > SYSTEM_MEMORY_MAX) {
        ctx.note(`memory (system): not measured beyond ${SYSTEM_MEMORY_MAX} viewers: each is an sshd and a tmux client process, ${count} of them would crowd this machine`);
        break;
      }
      if (ctx.remainingMs() < 5000) {
        ctx.note(`memory (${route.name}): stopped before ${count} viewers: ${ctx.stopReason}`);
        break;
      }
      const missing = count - viewers.length;
      if (missing > 0) {
        const pool = await bringUp(run.target, ctx.pool(missing), viewers);
        if (viewers.length < count) {
          ctx.note(`memory (${route.name}): only ${viewers.length} of ${count} viewers came up (${pool.failures[0] ?? ctx.stopReason})`);
          break;
        }
      }
      await sleep(SETTLE_MS);
      const reports: PssReport[] = [];
      for (let i = 0; i < READINGS; i++) {
        reports.push(measurePss(run.pssRoots()));
        await sleep(250);
      }
      points.push(toPoint(count, reports));
      ctx.log(`memory ${route.name}: ${count} viewers, ${points[points.length - 1].pssMiB.toFixed(1)} MiB PSS`);
    }
  } finally {
    closeAll(viewers);
    await run.stop();
  }
  const s = slope(points.map((p) => ({ x: p.viewers, y: p.pssMiB })));
  return { route: route.name, points, slopeMiBPerViewer: Number.isFinite(s) ? s : null };
}
