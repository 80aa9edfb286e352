// The run's results: the JSON written under bench/results/ and the table printed on stdout.
// Every cross-route figure is shown with its ratio to the system route (OpenSSH), measured in the
// same run; flood times also with their ratio to the same route's time with no viewers.
import { MachineInfo } from './machine';
import { BenchOptions, HOST_SIZE, RouteName } from './options';
import { ConnectRow } from './scenarios/connect';
import { EXTENSION_TARGET_MS, ExtensionRow } from './scenarios/extension';
import { FloodRow } from './scenarios/flood';
import { LatencyRow } from './scenarios/latency';
import { MemoryRow } from './scenarios/memory';
import { ratio } from './stats';

export const SCHEMA = 'guest-broadcast-bench/1';

export interface RouteStatus {
  status: 'measured' | 'skipped' | 'failed';
  note?: string;
}

export interface BenchResults {
  schema: typeof SCHEMA;
  startedAt: string;
  finishedAt: string;
  wallSec: number;
  machine: MachineInfo;
  options: BenchOptions;
  routes: Record<RouteName, RouteStatus>;
  latency: LatencyRow[];
  memory: MemoryRow[];
  flood: FloodRow[];
  connect: ConnectRow[];
  extension: ExtensionRow | null;
  /** What the reader must know: skipped parts, time limits hit, failures. */
  notes: string[];
  /** The issue's targets, for the reader; the bench never passes or fails on them. */
  targets: Record<string, string>;
}

export const TARGETS = {
  latencyP99At100: 'p99 <= 10 ms at 100 viewers',
  floodRatioAt200: "host's cat with 200 viewers (one stalled) <= 1.5x its time alone",
  memorySlope: '<= 0.2 MiB PSS per added viewer',
  extensionStart: `the extension's load + activate() <= ${EXTENSION_TARGET_MS} ms (median of fresh processes; issue 15)`,
};

type Cell = string;

function fmt(value: number | null | undefined, digits = 1): Cell {
  if (value == null || !Number.isFinite(value)) return '-';
  return value.toFixed(digits);
}

function fmtRatio(value: number | null): Cell {
  return value == null ? '-' : `${value.toFixed(2)}x`;
}

interface Line {
  figure: string;
  viewers: string;
  embedded: Cell;
  system: Cell;
  ratio: Cell;
}

function table(title: string, lines: Line[]): string {
  if (!lines.length) return '';  // a scenario not run prints nothing
  const head: Line = { figure: title, viewers: 'viewers', embedded: 'embedded', system: 'system (OpenSSH)', ratio: 'emb/sys' };
  const all = [head, ...lines];
  const w = {
    figure: Math.max(...all.map((l) => l.figure.length)),
    viewers: Math.max(...all.map((l) => l.viewers.length)),
    embedded: Math.max(...all.map((l) => l.embedded.length)),
    system: Math.max(...all.map((l) => l.system.length)),
    ratio: Math.max(...all.map((l) => l.ratio.length)),
  };
  const row = (l: Line): string =>
    `${l.figure.padEnd(w.figure)}  ${l.viewers.padStart(w.viewers)}  ${l.embedded.padStart(w.embedded)}  ${l.system.padStart(w.system)}  ${l.ratio.padStart(w.ratio)}`;
  const rule = '-'.repeat(row(head).length);
  return [row(head), rule, ...lines.map(row), ''].join('\n');
}

/** Rows of both routes, matched by viewer count. */
function pairs<T extends { route: string; viewers: number }>(rows: T[]): { viewers: number; e?: T; s?: T }[] {
  const counts = [...new Set(rows.map((r) => r.viewers))].sort((a, b) => a - b);
  return counts.map((viewers) => ({
    viewers,
    e: rows.find((r) => r.route === 'embedded' && r.viewers === viewers),
    s: rows.find((r) => r.route === 'system' && r.viewers === viewers),
  }));
}

function line(figure: string, viewers: number | string, e: number | null | undefined, s: number | null | undefined, digits = 1, withRatio = true): Line {
  return { figure, viewers: String(viewers), embedded: fmt(e, digits), system: fmt(s, digits), ratio: withRatio ? fmtRatio(ratio(e, s)) : '' };
}

export function renderTable(r: BenchResults): string {
  const out: string[] = [];
  const push = (section: string): void => {
    if (section) out.push(section);
  };
  const sizes = r.options.sizes.map((z) => `${z.cols}x${z.rows}`).join(', ');
  out.push(`Guest Broadcast bench, ${r.startedAt} (${r.wallSec.toFixed(0)} s): ${r.machine.cores} cores, ${r.machine.tmux}, ${r.machine.openssh.split(',')[0]}, node ${r.machine.node}, load ${r.machine.loadAverage.start.toFixed(1)} -> ${r.machine.loadAverage.end?.toFixed(1) ?? '?'}`);
  out.push(`Host terminal ${HOST_SIZE.cols}x${HOST_SIZE.rows}; viewers ${sizes}; viewers are ssh2 clients rendering with @xterm/headless, all in the bench's one process.`);
  out.push(`Embedded host: ssh2's ${r.options.ciphers === 'js' ? 'pure-JS ciphers, as the extension runs in VS Code' : 'native ciphers, as the CLI runs'} (--ciphers).`);
  for (const name of ['embedded', 'system'] as const) {
    const st = r.routes[name];
    if (st.status !== 'measured') out.push(`  ${name} route: ${st.note ?? st.status}`);
  }
  out.push('');

  const lat: Line[] = [];
  for (const p of pairs(r.latency)) {
    lat.push(line('latency p50 (ms)', p.viewers, p.e?.ms.p50, p.s?.ms.p50, 2));
    lat.push(line('latency p95 (ms)', p.viewers, p.e?.ms.p95, p.s?.ms.p95, 2));
    lat.push(line('latency p99 (ms)', p.viewers, p.e?.ms.p99, p.s?.ms.p99, 2));
    if (p.viewers > 1) lat.push(line('  until every viewer, p50 (ms)', p.viewers, p.e?.everyViewerMs.p50, p.s?.everyViewerMs.p50, 2));
    lat.push(line('  samples', p.viewers, p.e?.ms.count, p.s?.ms.count, 0, false));
  }
  push(table('Latency: typed marker -> every viewer\'s rendered screen', lat));

  const mem: Line[] = [];
  const memE = r.memory.find((m) => m.route === 'embedded');
  const memS = r.memory.find((m) => m.route === 'system');
  const counts = [...new Set([...(memE?.points ?? []), ...(memS?.points ?? [])].map((p) => p.viewers))].sort((a, b) => a - b);
  for (const n of counts) {
    mem.push(line('PSS of the broadcast (MiB)', n, memE?.points.find((p) => p.viewers === n)?.pssMiB, memS?.points.find((p) => p.viewers === n)?.pssMiB));
  }
  if (memE || memS) mem.push(line('MiB per added viewer (slope)', 'all', memE?.slopeMiBPerViewer, memS?.slopeMiBPerViewer, 3));
  push(table('Memory: PSS of everything the broadcast runs', mem));

  const flood: Line[] = [];
  for (const p of pairs(r.flood)) {
    flood.push(line(`cat ${r.options.floodMiB} MiB (s)`, p.viewers, sec(p.e?.catMs), sec(p.s?.catMs), 2));
    if (p.viewers === 0) {
      flood.push(line('  tmux server CPU per cat (s)', p.viewers, sec(p.e?.cpuMs?.tmux), sec(p.s?.cpuMs?.tmux), 2));
      flood.push(line('  serving the viewers CPU per cat (s)', p.viewers, sec(p.e?.cpuMs?.serving), sec(p.s?.cpuMs?.serving), 2));
      continue;
    }
    // Embedded: a second broadcast nobody watches, catting in turn; OpenSSH: just before (FloodRow.baseline).
    flood.push(line('  vs. the same cat unwatched (x)', p.viewers, p.e?.ratio, p.s?.ratio, 2));
    // Only the stalled viewer with one viewer: nobody live to catch up.
    if (p.viewers > 1) flood.push(line('  live viewers caught up after (s)', p.viewers, sec(p.e?.caughtUpMs), sec(p.s?.caughtUpMs), 2));
    flood.push(line('  viewers reading after the cat: vs. unwatched (x)', p.viewers, p.e?.deferredRatio, p.s?.deferredRatio, 2));
    // CPU per cat (cpuTime.ts): unwatched, watched, watched with the viewers reading after it.
    flood.push(line('  tmux server CPU per cat: unwatched (s)', p.viewers, sec(p.e?.aloneCpuMs?.tmux), sec(p.s?.aloneCpuMs?.tmux), 2));
    flood.push(line('    watched (s)', p.viewers, sec(p.e?.cpuMs?.tmux), sec(p.s?.cpuMs?.tmux), 2));
    flood.push(line('    viewers reading after it (s)', p.viewers, sec(p.e?.deferredCpuMs?.tmux), sec(p.s?.deferredCpuMs?.tmux), 2));
    flood.push(line('  serving the viewers CPU per cat: unwatched (s)', p.viewers, sec(p.e?.aloneCpuMs?.serving), sec(p.s?.aloneCpuMs?.serving), 2));
    flood.push(line('    watched (s)', p.viewers, sec(p.e?.cpuMs?.serving), sec(p.s?.cpuMs?.serving), 2));
    flood.push(line('    viewers reading after it (s)', p.viewers, sec(p.e?.deferredCpuMs?.serving), sec(p.s?.deferredCpuMs?.serving), 2));
    flood.push(line("  the bench's viewers CPU per watched cat (s)", p.viewers, sec(p.e?.cpuMs?.viewers), sec(p.s?.cpuMs?.viewers), 2));
    flood.push(line('  received per live viewer per cat (KiB)', p.viewers, kib(p.e?.bytesPerViewer), kib(p.s?.bytesPerViewer), 0));
  }
  const yielded = r.flood.find((row) => row.viewers > 0)?.viewersYield;
  push(table(`The host's own speed: cat in the host's session, one viewer stalled${yielded ? ` (viewers at ${yielded})` : ''}`, flood));

  const conn: Line[] = [];
  for (const p of pairs(r.connect)) {
    conn.push(line('time to bring all up (s)', p.viewers, sec(p.e?.wallMs), sec(p.s?.wallMs), 2));
    conn.push(line('  viewers per second', p.viewers, p.e?.perSecond, p.s?.perSecond));
    conn.push(line('  each, p50 (ms)', p.viewers, p.e?.eachMs.p50, p.s?.eachMs.p50));
    conn.push(line('  each, p95 (ms)', p.viewers, p.e?.eachMs.p95, p.s?.eachMs.p95));
  }
  push(table(`Connect rate, ${r.options.connectConcurrency} at a time`, conn));

  if (r.extension) {
    const x = r.extension;
    out.push('Extension cost');
    out.push(`  ${x.bundle}: ${x.bytes == null ? '-' : `${(x.bytes / 1024).toFixed(0)} KiB (${((x.gzipBytes ?? 0) / 1024).toFixed(0)} KiB gzipped)`}`);
    out.push(`  load ${fmt(x.requireMs)} ms, activate() ${fmt(x.activateMs)} ms (median of ${x.runs}; ${x.method})`);
    out.push(`  load + activate() ${fmt(x.totalMs)} ms (median of the ${x.runs} sums; target <= ${x.targetMs} ms${x.totalMs == null ? '' : x.totalMs <= x.targetMs ? ', met' : ', NOT met'})`);
    out.push('');
  }

  out.push('Targets (issues 6 and 15; for reading, not a gate):');
  for (const t of Object.values(r.targets)) out.push(`  ${t}`);
  if (r.notes.length) {
    out.push('');
    out.push('Notes:');
    for (const n of r.notes) out.push(`  - ${n}`);
  }
  return out.join('\n') + '\n';
}

function kib(bytes: number | null | undefined): number | null {
  return bytes == null ? null : bytes / 1024;
}

function sec(ms: number | null | undefined): number | null {
  return ms == null ? null : ms / 1000;
}
