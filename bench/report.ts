// The run's results: the JSON written under bench/results/ and the table printed on stdout.
// Every route asked for has a column; cross-route figures are shown with their ratios measured in
// the same run (embedded against OpenSSH, browser against embedded SSH guests); flood times also
// with their ratio to the same route's time with no viewers.
import { MachineInfo } from './machine';
import { BenchOptions, HOST_SIZE, MachineRouteName, RouteName } from './options';
import { ConnectRow } from './scenarios/connect';
import { EXTENSION_TARGET_MS, ExtensionRow } from './scenarios/extension';
import { FloodRow } from './scenarios/flood';
import { RecordingRow } from './scenarios/recording';
import { LatencyRow } from './scenarios/latency';
import { MemoryRow } from './scenarios/memory';
import { ratio } from './stats';
import { RELAY_TARGET_TEXT, RelayResults, renderRelay } from './relayReport';

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
  /** The host's cat while recording, against not recording (issue 17). */
  recording: RecordingRow[];
  connect: ConnectRow[];
  extension: ExtensionRow | null;
  /** --route relay (issue 18): null when not asked for. */
  relay: RelayResults | null;
  /** What the reader must know: skipped parts, time limits hit, failures. */
  notes: string[];
  /** The issue's targets, for the reader; the bench never passes or fails on them. */
  targets: Record<string, string>;
}

export const TARGETS = {
  latencyP99At100: 'p99 <= 10 ms at 100 viewers (SSH and browser guests alike)',
  floodRatioAt200: "host's cat with 200 viewers (one stalled) <= 1.5x its time alone (SSH and browser guests alike)",
  recordingRatio: "host's cat while the broadcast records <= 1.05x the same cat not recording (issue 17)",
  memorySlope: '<= 0.2 MiB PSS per added viewer (SSH and browser guests alike)',
  extensionStart: `the extension's load + activate() <= ${EXTENSION_TARGET_MS} ms (median of fresh processes; issue 15)`,
  ...RELAY_TARGET_TEXT,
};

type Cell = string;

function fmt(value: number | null | undefined, digits = 1): Cell {
  if (value == null || !Number.isFinite(value)) return '-';
  return value.toFixed(digits);
}

function fmtRatio(value: number | null): Cell {
  return value == null ? '-' : `${value.toFixed(2)}x`;
}

/** Each route's column heading. */
const ROUTE_HEADINGS: Record<RouteName, string> = { embedded: 'embedded', system: 'system (OpenSSH)', web: 'web (browser)', relay: 'relay' };

/**
 * The ratio columns, each shown when the run asked for both its routes: the embedded server
 * against OpenSSH (the baseline it was built to beat), and browser guests against SSH guests of
 * the same host (what the browser route adds).
 */
const RATIOS: readonly { heading: string; of: MachineRouteName; to: MachineRouteName }[] = [
  { heading: 'emb/sys', of: 'embedded', to: 'system' },
  { heading: 'web/emb', of: 'web', to: 'embedded' },
];

type Values = Partial<Record<RouteName, number | null | undefined>>;

interface Line {
  figure: string;
  viewers: string;
  values: Values;
  digits: number;
  withRatio: boolean;
}

/** The table's columns: the routes the run asked for, and the ratios between them. */
interface Columns {
  routes: MachineRouteName[];
  ratios: (typeof RATIOS)[number][];
}

function columnsFor(allRoutes: readonly RouteName[]): Columns {
  // The relay route has a section of its own (relayReport.ts), not a column.
  const routes = allRoutes.filter((r): r is MachineRouteName => r !== 'relay');
  return { routes, ratios: RATIOS.filter((r) => routes.includes(r.of) && routes.includes(r.to)) };
}

function table(title: string, cols: Columns, lines: Line[]): string {
  if (!lines.length) return ''; // a scenario not run prints nothing
  const cells = (l: Line): string[] => [
    ...cols.routes.map((r) => fmt(l.values[r], l.digits)),
    ...cols.ratios.map((q) => (l.withRatio ? fmtRatio(ratio(l.values[q.of], l.values[q.to])) : '')),
  ];
  const head = [title, 'viewers', ...cols.routes.map((r) => ROUTE_HEADINGS[r]), ...cols.ratios.map((q) => q.heading)];
  const rows = [head, ...lines.map((l) => [l.figure, l.viewers, ...cells(l)])];
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const render = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const rule = '-'.repeat(render(head).length);
  return [render(head), rule, ...rows.slice(1).map(render), ''].join('\n');
}

/** Rows of every route, matched by viewer count. */
function byCount<T extends { route: string; viewers: number }>(rows: T[]): { viewers: number; of: Partial<Record<RouteName, T>> }[] {
  const counts = [...new Set(rows.map((r) => r.viewers))].sort((a, b) => a - b);
  return counts.map((viewers) => {
    const of: Partial<Record<RouteName, T>> = {};
    for (const r of rows) if (r.viewers === viewers) of[r.route as RouteName] = r;
    return { viewers, of };
  });
}

/** One figure across the routes: `pick` reads it from a route's row. */
function line<T>(figure: string, viewers: number | string, of: Partial<Record<RouteName, T>>, pick: (row: T) => number | null | undefined, digits = 1, withRatio = true): Line {
  const values: Values = {};
  for (const [route, row] of Object.entries(of) as [RouteName, T | undefined][]) values[route] = row === undefined ? undefined : pick(row);
  return { figure, viewers: String(viewers), values, digits, withRatio };
}

export function renderTable(r: BenchResults): string {
  const out: string[] = [];
  const cols = columnsFor(r.options.routes);
  const push = (title: string, lines: Line[]): void => {
    const section = table(title, cols, lines);
    if (section) out.push(section);
  };
  const sizes = r.options.sizes.map((z) => `${z.cols}x${z.rows}`).join(', ');
  out.push(`Guest Broadcast bench, ${r.startedAt} (${r.wallSec.toFixed(0)} s): ${r.machine.cores} cores, ${r.machine.tmux}, ${r.machine.openssh.split(',')[0]}, node ${r.machine.node}, load ${r.machine.loadAverage.start.toFixed(1)} -> ${r.machine.loadAverage.end?.toFixed(1) ?? '?'}`);
  const kinds = [
    ...(r.options.routes.some((n) => n !== 'web') ? ['SSH viewers are ssh2 clients'] : []),
    ...(r.options.routes.includes('web') ? ["browser viewers are ws clients on the page's socket, with its Origin"] : []),
  ];
  out.push(`Host terminal ${HOST_SIZE.cols}x${HOST_SIZE.rows}; viewers ${sizes}; ${kinds.join(', ')}; all render with @xterm/headless in the bench's one process.`);
  out.push(`Embedded host: ssh2's ${r.options.ciphers === 'js' ? 'pure-JS ciphers, as the extension runs in VS Code' : 'native ciphers, as the CLI runs'} (--ciphers).`);
  for (const name of r.options.routes) {
    const st = r.routes[name];
    if (st && st.status !== 'measured') out.push(`  ${name} route: ${st.note ?? st.status}`);
  }
  out.push('');

  const lat: Line[] = [];
  for (const { viewers, of } of byCount(r.latency)) {
    lat.push(line('latency p50 (ms)', viewers, of, (x) => x.ms.p50, 2));
    lat.push(line('latency p95 (ms)', viewers, of, (x) => x.ms.p95, 2));
    lat.push(line('latency p99 (ms)', viewers, of, (x) => x.ms.p99, 2));
    if (viewers > 1) lat.push(line('  until every viewer, p50 (ms)', viewers, of, (x) => x.everyViewerMs.p50, 2));
    lat.push(line('  samples', viewers, of, (x) => x.ms.count, 0, false));
  }
  push("Latency: typed marker -> every viewer's rendered screen", lat);

  const mem: Line[] = [];
  const memOf: Partial<Record<RouteName, MemoryRow>> = {};
  for (const m of r.memory) memOf[m.route as RouteName] = m;
  const counts = [...new Set(r.memory.flatMap((m) => m.points.map((p) => p.viewers)))].sort((a, b) => a - b);
  for (const n of counts) mem.push(line('PSS of the broadcast (MiB)', n, memOf, (m) => m.points.find((p) => p.viewers === n)?.pssMiB));
  if (r.memory.length) mem.push(line('MiB per added viewer (slope)', 'all', memOf, (m) => m.slopeMiBPerViewer, 3));
  push('Memory: PSS of everything the broadcast runs', mem);

  const flood: Line[] = [];
  for (const { viewers: n, of } of byCount(r.flood)) {
    const f = (figure: string, pick: (row: FloodRow) => number | null | undefined, digits = 2): void => {
      flood.push(line(figure, n, of, pick, digits));
    };
    f(`cat ${r.options.floodMiB} MiB (s)`, (x) => sec(x.catMs));
    if (n === 0) {
      f('  tmux server CPU per cat (s)', (x) => sec(x.cpuMs?.tmux));
      f('  serving the viewers CPU per cat (s)', (x) => sec(x.cpuMs?.serving));
      continue;
    }
    // Embedded and web: a second broadcast nobody watches, catting in turn; OpenSSH: just before (FloodRow.baseline).
    f('  vs. the same cat unwatched (x)', (x) => x.ratio);
    // Only the stalled viewer with one viewer: nobody live to catch up.
    if (n > 1) f('  live viewers caught up after (s)', (x) => sec(x.caughtUpMs));
    f('  viewers reading after the cat: vs. unwatched (x)', (x) => x.deferredRatio);
    // CPU per cat (cpuTime.ts): unwatched, watched, watched with the viewers reading after it.
    f('  tmux server CPU per cat: unwatched (s)', (x) => sec(x.aloneCpuMs?.tmux));
    f('    watched (s)', (x) => sec(x.cpuMs?.tmux));
    f('    viewers reading after it (s)', (x) => sec(x.deferredCpuMs?.tmux));
    f('  serving the viewers CPU per cat: unwatched (s)', (x) => sec(x.aloneCpuMs?.serving));
    f('    watched (s)', (x) => sec(x.cpuMs?.serving));
    f('    viewers reading after it (s)', (x) => sec(x.deferredCpuMs?.serving));
    f("  the bench's viewers CPU per watched cat (s)", (x) => sec(x.cpuMs?.viewers));
    f('  received per live viewer per cat (KiB)', (x) => kib(x.bytesPerViewer), 0);
  }
  const yielded = r.flood.find((row) => row.viewers > 0)?.viewersYield;
  push(`The host's own speed: cat in the host's session, one viewer stalled${yielded ? ` (viewers at ${yielded})` : ''}`, flood);

  const rec: Line[] = [];
  const recOf: Partial<Record<RouteName, RecordingRow>> = {};
  for (const row of r.recording) recOf[row.route as RouteName] = row;
  if (r.recording.length) {
    rec.push(line(`cat ${r.options.floodMiB} MiB, not recording (s)`, 0, recOf, (x) => sec(x.aloneMs), 2));
    rec.push(line('  recording (s)', 0, recOf, (x) => sec(x.catMs), 2));
    rec.push(line('  recording vs. not (x)', 0, recOf, (x) => x.ratio, 2));
    rec.push(line('  the recording per cat (KiB)', 0, recOf, (x) => kib(x.fileBytes), 0, false));
  }
  push("The host's cat while recording (in turn with not)", rec);

  const conn: Line[] = [];
  for (const { viewers, of } of byCount(r.connect)) {
    conn.push(line('time to bring all up (s)', viewers, of, (x) => sec(x.wallMs), 2));
    conn.push(line('  viewers per second', viewers, of, (x) => x.perSecond));
    conn.push(line('  each, p50 (ms)', viewers, of, (x) => x.eachMs.p50));
    conn.push(line('  each, p95 (ms)', viewers, of, (x) => x.eachMs.p95));
  }
  push(`Connect rate, ${r.options.connectConcurrency} at a time`, conn);

  if (r.extension) {
    const x = r.extension;
    out.push('Extension cost');
    out.push(`  ${x.bundle}: ${x.bytes == null ? '-' : `${(x.bytes / 1024).toFixed(0)} KiB (${((x.gzipBytes ?? 0) / 1024).toFixed(0)} KiB gzipped)`}`);
    out.push(`  load ${fmt(x.requireMs)} ms, activate() ${fmt(x.activateMs)} ms (median of ${x.runs}; ${x.method})`);
    out.push(`  load + activate() ${fmt(x.totalMs)} ms (median of the ${x.runs} sums; target <= ${x.targetMs} ms${x.totalMs == null ? '' : x.totalMs <= x.targetMs ? ', met' : ', NOT met'})`);
    out.push('');
  }

  if (r.relay) {
    const section = renderRelay(r.relay, r.options.floodMiB);
    if (section) out.push(section);
  }

  out.push('Targets (issues 6, 15, 16, 17 and 18; for reading, not a gate):');
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
