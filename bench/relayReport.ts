// The relay route's section of the table (#18): its figures are of their own kind (the host's CPU
// with guests on other processes, one relay's memory and CPU, latency through a relay against the
// same host's direct guests), so they get their own lines, each beside its target: met or not.
import { RelayCapacityRow } from './scenarios/relayCapacity';
import { RelayHostCpuRow } from './scenarios/relayHostCpu';
import { RelayLatencyRow } from './scenarios/relayLatency';

export interface RelayResults {
  relays: number;
  /** `nats-server --version`. */
  natsServer: string;
  /** Guests spread over the relays for the host's CPU (--relay-guests). */
  guests: number;
  latency: RelayLatencyRow[];
  hostCpu: RelayHostCpuRow | null;
  capacity: RelayCapacityRow | null;
}

export const RELAY_TARGETS = {
  hostCpuRatio: 1.1,
  latencyP50DiffMs: 1.5,
  memoryPerGuestMiB: 0.1,
  guestsPerRelay: 1000,
} as const;

export const RELAY_TARGET_TEXT = {
  relayHostCpu: `the host's CPU per cat with 2,000 guests over 4 relays <= ${RELAY_TARGETS.hostCpuRatio}x its CPU with none (issue 18)`,
  relayLatency: `latency p50 at 100 guests through a relay within ${RELAY_TARGETS.latencyP50DiffMs} ms of direct guests (issue 18)`,
  relayMemory: `<= ${RELAY_TARGETS.memoryPerGuestMiB} MiB PSS per guest on a relay (issue 18)`,
  relayCapacity: `a relay serves ${RELAY_TARGETS.guestsPerRelay.toLocaleString('en')} guests (issue 18)`,
};

const f = (n: number | null | undefined, digits = 2): string => (n == null || !Number.isFinite(n) ? '-' : n.toFixed(digits));
const s = (ms: number | null | undefined): string => (ms == null ? '-' : `${f(ms / 1000)} s`);
const verdict = (ok: boolean | null, what: string): string => (ok === null ? '' : `${what}: ${ok ? 'met' : 'NOT met'}`);

export function renderRelay(r: RelayResults, fileMiB: number): string {
  const rows: string[][] = [['figure', 'guests', 'value', 'target']];
  const cpu = r.hostCpu;
  if (cpu) {
    for (const p of cpu.points) {
      const where = p.guests === 0 ? 'no guests' : `over ${p.relays} relay${p.relays === 1 ? '' : 's'}`;
      rows.push([`host CPU per cat, ${where}: tmux + host process`, String(p.guests), `${s(p.hostMs)} (${s(p.hostTmuxMs)} + ${s(p.hostServingMs)})`, '']);
      if (p.guests > 0) {
        rows.push(['  relays CPU per cat (all, until every guest shows it)', String(p.guests), s(p.relaysMs), '']);
        rows.push(['  nats-server CPU per cat', String(p.guests), s(p.natsMs), '']);
        rows.push(['  every guest showed the end after', String(p.guests), p.behind ? `${p.behind} behind` : s(p.caughtUpMs), '']);
      }
    }
    const most = cpu.points[cpu.points.length - 1];
    if (cpu.ratioToNone !== null) {
      rows.push([`host CPU, ${most.guests} guests vs none`, String(most.guests), `${f(cpu.ratioToNone)}x`, verdict(cpu.ratioToNone <= RELAY_TARGETS.hostCpuRatio, `<= ${RELAY_TARGETS.hostCpuRatio}x`)]);
    }
    if (cpu.ratioToOnePerRelay !== null) rows.push([`host CPU, ${most.guests} guests vs one per relay`, String(most.guests), `${f(cpu.ratioToOnePerRelay)}x`, '']);
  }
  for (const l of r.latency) {
    rows.push(['latency p50 / p99, direct (embedded SSH)', String(l.viewers), `${f(l.direct.ms.p50)} / ${f(l.direct.ms.p99)} ms`, '']);
    rows.push([`  through ${l.relays} relay${l.relays === 1 ? '' : 's'}`, String(l.viewers), `${f(l.relay.ms.p50)} / ${f(l.relay.ms.p99)} ms`, '']);
    const ok = l.p50DiffMs === null ? null : l.p50DiffMs <= RELAY_TARGETS.latencyP50DiffMs;
    rows.push(['  p50 through a relay minus direct', String(l.viewers), l.p50DiffMs === null ? '-' : `${l.p50DiffMs >= 0 ? '+' : ''}${f(l.p50DiffMs)} ms`, l.viewers === 100 ? verdict(ok, `<= ${RELAY_TARGETS.latencyP50DiffMs} ms`) : '']);
    if (l.direct.timeouts || l.relay.timeouts) rows.push(['  markers not seen in time (direct / relay)', String(l.viewers), `${l.direct.timeouts} / ${l.relay.timeouts}`, '']);
  }
  const cap = r.capacity;
  if (cap) {
    for (const p of cap.points) {
      rows.push([`one relay: PSS (USS)`, String(p.guests), `${f(p.pssMiB, 1)} (${f(p.ussMiB, 1)}) MiB`, '']);
      if (p.guests > 0) {
        rows.push([`  its CPU per cat; every guest showed the end after`, String(p.guests), `${s(p.cpuPerCatMs)}; ${p.behind ? `${p.behind} behind` : s(p.caughtUpMs)}`, '']);
        rows.push([`  received per guest per cat`, String(p.guests), p.bytesPerGuest == null ? '-' : `${(p.bytesPerGuest / 1024).toFixed(0)} KiB`, '']);
      }
    }
    const slope = cap.slopeMiBPerGuest;
    rows.push(['  MiB per added guest (slope)', 'all', f(slope, 3), slope === null ? '' : verdict(slope <= RELAY_TARGETS.memoryPerGuestMiB, `<= ${RELAY_TARGETS.memoryPerGuestMiB} MiB`)]);
    const most = cap.points[cap.points.length - 1];
    if (most) {
      // Judged only where the run went as far as the target (--viewers may ask for fewer).
      const served = most.behind === 0 && most.caughtUpMs !== null;
      const judged = most.guests >= RELAY_TARGETS.guestsPerRelay ? verdict(served, `${RELAY_TARGETS.guestsPerRelay} guests`) : '';
      rows.push(['  one relay served them all (every guest showed every cat)', String(most.guests), served ? 'yes' : 'no', judged]);
    }
  }
  if (rows.length === 1) return '';
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const render = (row: string[]): string => row.map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const fewer = r.hostCpu && r.guests < 2000 ? [`  (${r.guests} guests over the relays, not the issue's 2,000: --relay-guests; the bench's own SSH clients share this machine)`] : [];
  return [
    `Relays on NATS: ${r.relays} relay process${r.relays === 1 ? '' : 'es'} and ${r.natsServer} on this machine; cat ${fileMiB} MiB in the host's session; CPU from /proc schedstat;`,
    "  the bench's guests read each cat's output once it is over (they render on this machine; real guests on theirs)",
    ...fewer,
    render(rows[0]),
    '-'.repeat(render(rows[0]).length + 10),
    ...rows.slice(1).map(render),
    '',
  ].join('\n');
}
