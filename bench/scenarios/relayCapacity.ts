// Guests per relay (#18): ONE relay's memory (PSS of its process) and CPU per cat as idle guests
// are added, 0, 250, 500, 1000 by default. Memory per guest is the least-squares slope (target
// <= 0.1 MiB); the CPU per cat and how long its guests took to show the cat's end say how many
// guests one relay (one core of it) serves.
import { BenchContext, sleep } from '../context';
import { treeCpuMsBetween, treeCpuNs } from '../cpuTime';
import { measurePss } from '../pss';
import { RelayFleet } from '../routes/relay';
import { median, slope } from '../stats';
import { BenchViewer } from '../viewerClient';
import { bringUp, closeAll } from '../viewerPool';
import { Flood } from './flood';

/**
 * The bench's guests read only once each cat is over: hundreds of them decrypting and rendering
 * in the bench's one process would take the 2 cores from the host and the relays (real guests
 * render on their own machines). The relays still send every byte during the cat (the kernel
 * holds it, within the guests' SSH windows); their CPU is read once every guest showed the end.
 */
const DEFER_READING = true;

export interface RelayCapacityPoint {
  guests: number;
  pssMiB: number;
  ussMiB: number;
  /** The relay's CPU per 20 MiB cat, until every guest showed its end (ms); null with no guests (it serves none). */
  cpuPerCatMs: number | null;
  catMs: number | null;
  caughtUpMs: number | null;
  behind: number;
  /** Bytes each guest received per cat (once it caught up). */
  bytesPerGuest: number | null;
}

export interface RelayCapacityRow {
  relay: string;
  points: RelayCapacityPoint[];
  /** MiB of the relay's PSS per added guest (least squares over the points). */
  slopeMiBPerGuest: number | null;
}

const SETTLE_MS = 1500;
const READINGS = 3;

export async function measureRelayCapacity(ctx: BenchContext, fleet: RelayFleet, flood: Flood, counts: number[]): Promise<RelayCapacityRow> {
  const relayRun = await fleet.start();
  const relay = fleet.relays[0];
  const target = relayRun.viaRelays[0];
  const up: BenchViewer[] = [];
  const points: RelayCapacityPoint[] = [];
  try {
    for (const count of [...counts].sort((a, b) => a - b)) {
      if (ctx.remainingMs() < 5000) {
        ctx.note(`relay capacity: stopped before ${count} guests: ${ctx.stopReason}`);
        break;
      }
      if (count > up.length) {
        const pool = await bringUp(target, ctx.pool(count - up.length), up);
        if (up.length < count) {
          ctx.note(`relay capacity: only ${up.length} of ${count} guests came up on one relay (${pool.failures[0] ?? ctx.stopReason})`);
          break;
        }
      }
      await sleep(SETTLE_MS);
      const readings = [];
      for (let i = 0; i < READINGS; i++) {
        readings.push(measurePss([relay.pid]));
        await sleep(250);
      }
      const pss = median(readings.map((r) => r.totalKiB)) / 1024;
      const uss = median(readings.map((r) => r.ussKiB)) / 1024;
      let cpuPerCatMs: number | null = null;
      let catMs: number | null = null;
      let caughtUpMs: number | null = null;
      let behind = 0;
      let bytesPerGuest: number | null = null;
      if (count > 0) {
        const before = treeCpuNs([relay.pid]);
        const once = await flood.catWith(relayRun.run, up, `relaycap${count}g`, DEFER_READING);
        cpuPerCatMs = treeCpuMsBetween(before, treeCpuNs([relay.pid]));
        catMs = once.catMs;
        caughtUpMs = once.caughtUpMs;
        behind = once.behind;
        bytesPerGuest = once.bytesPerViewer;
        if (behind) ctx.note(`relay capacity (${count} guests): ${behind} guests had not shown the cat's end after a minute`);
      }
      points.push({ guests: count, pssMiB: pss, ussMiB: uss, cpuPerCatMs, catMs, caughtUpMs, behind, bytesPerGuest });
      ctx.log(`relay capacity: ${count} guests, relay PSS ${pss.toFixed(1)} MiB${cpuPerCatMs === null ? '' : `, ${(cpuPerCatMs / 1000).toFixed(2)} s CPU per cat, ${((bytesPerGuest ?? 0) / 1024).toFixed(0)} KiB per guest`}`);
    }
  } finally {
    closeAll(up);
    await relayRun.run.stop();
  }
  const s = slope(points.map((p) => ({ x: p.guests, y: p.pssMiB })));
  return { relay: relay.name, points, slopeMiBPerGuest: Number.isFinite(s) ? s : null };
}
