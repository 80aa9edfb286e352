// The host's cost with guests through relays (#18): CPU per cat of the host's tmux server and of
// the host process (with its size groups' tmux clients) with no guests, with one guest per relay,
// and with many guests spread over the relays. Through relays the host publishes each group's
// output once on NATS, so its cost should not grow with guests (target: many <= 1.1x none).
// The relays' and nats-server's CPU per cat are measured beside it (they run on other machines
// in a deployment; here they share the host's 2 cores, which is why CPU time, not wall time).
import { BenchContext } from '../context';
import { treeCpuMsBetween, treeCpuNs } from '../cpuTime';
import { RelayFleet } from '../routes/relay';
import { median } from '../stats';
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

export interface RelayHostCpuPoint {
  guests: number;
  /** Relays the guests were spread over. */
  relays: number;
  catRunsMs: number[];
  /** Per cat, median over the runs (ms): the host's tmux server, the host process and its tmux clients, and both. */
  hostTmuxMs: number;
  hostServingMs: number;
  hostMs: number;
  /** Every relay together, and nats-server, per cat (ms, median): until every guest showed the cat's end. */
  relaysMs: number;
  natsMs: number;
  /** From the cat's end until every live guest showed its last line (ms, the last run's); null when some did not. */
  caughtUpMs: number | null;
  behind: number;
}

export interface RelayHostCpuRow {
  fileMiB: number;
  points: RelayHostCpuPoint[];
  /** The host's CPU per cat with the most guests against none (target <= 1.1x), and against one per relay. */
  ratioToNone: number | null;
  ratioToOnePerRelay: number | null;
}

/** Cats per point: CPU time varies far less than wall time on a shared machine. */
const REPEATS = 3;

export async function measureRelayHostCpu(ctx: BenchContext, fleet: RelayFleet, flood: Flood, guests: number): Promise<RelayHostCpuRow> {
  const relayRun = await fleet.start();
  const up: BenchViewer[] = [];
  const counts = [...new Set([0, Math.min(fleet.relays.length, guests), guests])].sort((a, b) => a - b);
  const points: RelayHostCpuPoint[] = [];
  try {
    for (const count of counts) {
      if (ctx.remainingMs() < 5000) {
        ctx.note(`relay host CPU: stopped before ${count} guests: ${ctx.stopReason}`);
        break;
      }
      if (count > up.length) {
        ctx.log(`relay host CPU: bringing up to ${count} guests over ${fleet.relays.length} relays…`);
        // Continuing the spread where the earlier guests stopped: relay i gets every N-th guest.
        const pool = await bringUp(relayRun.viaRelays, { ...ctx.pool(count - up.length), deadline: Date.now() + ctx.budget(600_000) }, up);
        if (up.length < count) {
          // The points so far stand; the reader is told why the last is missing.
          ctx.note(`relay host CPU: only ${up.length} of ${count} relay guests came up (${pool.failures[0] ?? ctx.stopReason})`);
          break;
        }
      }
      const runs: { wall: number; tmux: number; serving: number; relays: number; nats: number }[] = [];
      let caughtUpMs: number | null = null;
      let behind = 0;
      for (let i = 0; i < REPEATS; i++) {
        const relaysBefore = treeCpuNs(fleet.relays.map((r) => r.pid));
        const natsBefore = treeCpuNs([fleet.nats.pid]);
        const once = await flood.catWith(relayRun.run, up, `relay${count}g`, DEFER_READING);
        const relaysMs = treeCpuMsBetween(relaysBefore, treeCpuNs(fleet.relays.map((r) => r.pid)));
        const natsMs = treeCpuMsBetween(natsBefore, treeCpuNs([fleet.nats.pid]));
        if (once.catMs === null) {
          ctx.note(`relay host CPU (${count} guests): the cat did not finish within ${Math.round(once.limitMs / 1000)} s`);
          break;
        }
        runs.push({ wall: once.catMs, tmux: once.cpuMs.tmux, serving: once.cpuMs.serving, relays: relaysMs, nats: natsMs });
        caughtUpMs = once.caughtUpMs;
        behind = once.behind;
      }
      if (!runs.length) break;
      if (behind) ctx.note(`relay host CPU (${count} guests): ${behind} guests had not shown the cat's end after a minute`);
      const m = (pick: (r: (typeof runs)[number]) => number): number => median(runs.map(pick));
      points.push({
        guests: count,
        relays: Math.min(count, fleet.relays.length),
        catRunsMs: runs.map((r) => r.wall),
        hostTmuxMs: m((r) => r.tmux),
        hostServingMs: m((r) => r.serving),
        hostMs: m((r) => r.tmux + r.serving),
        relaysMs: m((r) => r.relays),
        natsMs: m((r) => r.nats),
        caughtUpMs: count ? caughtUpMs : null,
        behind,
      });
      ctx.log(`relay host CPU: ${count} guests, host ${(points[points.length - 1].hostMs / 1000).toFixed(2)} s per cat`);
    }
  } finally {
    closeAll(up);
    await relayRun.run.stop();
  }
  const none = points.find((p) => p.guests === 0);
  const most = points.length > 1 ? points[points.length - 1] : undefined;
  const onePer = points.find((p) => p.guests > 0 && p.guests === Math.min(fleet.relays.length, guests) && p !== most);
  return {
    fileMiB: ctx.options.floodMiB,
    points,
    ratioToNone: none && most ? most.hostMs / none.hostMs : null,
    ratioToOnePerRelay: onePer && most ? most.hostMs / onePer.hostMs : null,
  };
}
