// `npm run bench` options: what to measure, on which route, with how many viewers.
// Every scenario has its own default viewer counts (issue 6); --viewers replaces them all, and
// --quick shrinks them to 1 and 10 viewers so the whole run stays under two minutes.
import { parseArgs } from 'node:util';
import type { RouteKind } from '../src/host/routes/route';

export const SCENARIOS = ['latency', 'memory', 'flood', 'recording', 'connect', 'extension'] as const;
export type Scenario = (typeof SCENARIOS)[number];
/** The production routes the bench measures (src/host/routes), by their kind. */
export type RouteName = Extract<RouteKind, 'embedded' | 'system' | 'web' | 'relay'>;
export const ROUTES: readonly RouteName[] = ['embedded', 'system', 'web', 'relay'];
/** The routes one machine serves guests by: the columns of the shared scenarios (latency, memory, flood, ...). */
export type MachineRouteName = Exclude<RouteName, 'relay'>;
export const MACHINE_ROUTES: readonly MachineRouteName[] = ['embedded', 'system', 'web'];
/**
 * --route's names for several routes: `both` is the two SSH routes (as before the web route), `all`
 * every route one machine serves by. The relay route is measured only when named: it starts a
 * nats-server and relays of its own, and its figures are a section of their own (scenarios/relay*.ts).
 */
const ROUTE_SETS: Record<string, readonly RouteName[]> = { all: MACHINE_ROUTES, both: ['embedded', 'system'] };

export interface ViewerSize {
  cols: number;
  rows: number;
}

/** ssh2's ciphers in the embedded host: native (the CLI, npm start) or pure JS (VS Code's extension host). */
export type CipherChoice = 'native' | 'js';

export interface BenchOptions {
  quick: boolean;
  scenarios: Scenario[];
  routes: RouteName[];
  /** Guest counts per scenario (0 included where it is the baseline). */
  viewers: Record<Exclude<Scenario, 'extension' | 'recording'>, number[]>;
  /** Markers typed for the latency probe at each viewer count. */
  samples: number;
  /** Size of the text file `cat` in the flood scenario. */
  floodMiB: number;
  /** Guest terminal sizes, given out in turn (default: the host's size, so all share one screen). */
  sizes: ViewerSize[];
  /** How many viewers connect at once (connect rate, and bringing viewers up elsewhere). */
  connectConcurrency: number;
  /** The whole bench stops starting new measurements after this long. */
  timeLimitSec: number;
  /** The JSON file; undefined: bench/results/bench-<time>.json. */
  out?: string;
  ciphers: CipherChoice;
  /** --route relay: relays started, and the guests spread over them for the host's CPU per cat. */
  relays: number;
  relayGuests: number;
  /** --route relay: guests on one relay for its memory and CPU (0 included as the baseline). */
  perRelay: number[];
}

export class BenchUsageError extends Error {}

/**
 * Guests over the relays for the host's CPU. The issue asks for 2,000; on the shared 2-core machine
 * the bench ran on, its own 2,000 SSH clients in one process took minutes to come up and starved the
 * host's tmux, so the default is what fitted there (--relay-guests 2000 asks for the figure).
 */
export const DEFAULT_RELAY_GUESTS = 1000;
export const QUICK_RELAY_GUESTS = 40;
const FULL_PER_RELAY = [0, 250, 500, 1000];
const QUICK_PER_RELAY = [0, 10, 50];

export const HELP = `Usage: npm run bench -- [options]

Measures the embedded route (the built-in SSH server), the system route (OpenSSH sshd and a
guest account on a loopback port, root only) and the web route (browser guests: the page's
WebSocket, beside the embedded server) in one run. Prints a table and writes a JSON file.
Never a pass/fail gate: it reports figures.

Options:
  --quick                 1 and 10 viewers only (under two minutes)
  --only NAME             latency | memory | flood | recording | connect | extension;
                          repeatable or comma-separated (default: all). recording: the
                          flood's cat while the broadcast records, against not recording,
                          and the recording's file size per cat
  --viewers LIST          viewer counts for every scenario, e.g. 0,50,200 (memory and flood
                          always add 0 as their baseline; latency and connect skip 0)
  --route NAME            embedded | system | web | relay, or several comma-separated; both
                          (embedded and system) | all (the first three; the default)
  --relays N              --route relay: relays started on one nats-server (default 4)
  --relay-guests N        --route relay: guests spread over the relays while the host cats
                          (default ${DEFAULT_RELAY_GUESTS}, what fits a shared 2-core machine; the
                          issue asks for 2000; quick: ${QUICK_RELAY_GUESTS})
  --samples N             latency markers per viewer count (default 200)
  --flood-mb N            size of the file the flood and recording scenarios cat, MiB (default 20)
  --concurrency N         viewers connecting at once (default 10)
  --sizes LIST            viewer terminal sizes given out in turn, e.g. 120x34,80x24,200x50
                          (default 120x34, the host's size)
  --time-limit SEC        stop starting new measurements after SEC seconds (default 600)
  --out FILE              where to write the JSON (default bench/results/bench-<time>.json)
  --ciphers native|js     ssh2's ciphers in the embedded host: native from node_modules, as the
                          CLI runs (default), or pure JS, as the extension runs in VS Code
  -h, --help              this help
`;

const FULL: BenchOptions['viewers'] = {
  latency: [1, 10, 100],
  // 1,000: the fan-out's target (issue 7); the system route stops at SYSTEM_MEMORY_MAX.
  memory: [0, 1, 50, 200, 1000],
  flood: [0, 50, 200],
  connect: [200],
};
const QUICK: BenchOptions['viewers'] = {
  latency: [1, 10],
  memory: [0, 1, 10],
  flood: [0, 1, 10],
  connect: [10],
};
/** Beyond this the bench's own viewers (one process) would dominate the 2-core machine. */
export const MAX_VIEWERS = 2000;

function int(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(n) || n < min || n > max) {
    throw new BenchUsageError(`--${name} must be a whole number from ${min} to ${max} (got "${text}").`);
  }
  return n;
}

function listOf(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export function parseViewerList(text: string): number[] {
  const items = text.split(',').map((v) => v.trim()).filter(Boolean);
  if (!items.length) throw new BenchUsageError('--viewers needs a comma-separated list of counts, e.g. 0,50,200.');
  const counts = items.map((v) => int('viewers', v, 0, MAX_VIEWERS));
  return [...new Set(counts)].sort((a, b) => a - b);
}

/** The host's terminal, and the default size of every viewer. */
export const HOST_SIZE: ViewerSize = { cols: 120, rows: 34 };

export function parseSizes(text: string): ViewerSize[] {
  const items = text.split(',').map((v) => v.trim()).filter(Boolean);
  if (!items.length) throw new BenchUsageError('--sizes needs a comma-separated list of COLSxROWS, e.g. 120x34,80x24.');
  return items.map((item) => {
    const m = /^(\d{1,4})x(\d{1,4})$/.exec(item);
    const cols = Number(m?.[1]);
    const rows = Number(m?.[2]);
    if (!m || cols < 20 || cols > 1000 || rows < 5 || rows > 500) {
      throw new BenchUsageError(`--sizes "${item}" is not a terminal size: write COLSxROWS with 20-1000 columns and 5-500 rows, e.g. 80x24.`);
    }
    return { cols, rows };
  });
}

/** --route: route names and sets, comma-separated; each route once, in the report's order. */
export function parseRoutes(text: string): RouteName[] {
  const names = text.split(',').map((v) => v.trim()).filter(Boolean);
  if (!names.length) throw new BenchUsageError(`--route needs a route: ${ROUTES.join(', ')}, both or all.`);
  const wanted = new Set<RouteName>();
  for (const name of names) {
    const set = (Object.hasOwn(ROUTE_SETS, name) ? ROUTE_SETS[name] : undefined) ?? ((ROUTES as readonly string[]).includes(name) ? [name as RouteName] : undefined);
    if (!set) throw new BenchUsageError(`--route "${name}" is not a route. Choose ${ROUTES.join(', ')} (comma-separated for several), both (embedded and system) or all.`);
    for (const route of set) wanted.add(route);
  }
  return ROUTES.filter((r) => wanted.has(r));
}

function withZero(counts: number[]): number[] {
  return counts.includes(0) ? counts : [0, ...counts];
}

export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean' },
        only: { type: 'string', multiple: true },
        viewers: { type: 'string' },
        route: { type: 'string' },
        samples: { type: 'string' },
        'flood-mb': { type: 'string' },
        concurrency: { type: 'string' },
        sizes: { type: 'string' },
        'time-limit': { type: 'string' },
        out: { type: 'string' },
        ciphers: { type: 'string' },
        relays: { type: 'string' },
        'relay-guests': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new BenchUsageError(`${error instanceof Error ? error.message : String(error)}\nRun with --help for the options.`);
  }
  if (values.help) return 'help';

  const only = listOf(values.only);
  for (const name of only) {
    if (!(SCENARIOS as readonly string[]).includes(name)) {
      throw new BenchUsageError(`--only "${name}" is not a scenario. Choose from: ${SCENARIOS.join(', ')}.`);
    }
  }
  const scenarios = only.length ? SCENARIOS.filter((s) => only.includes(s)) : [...SCENARIOS];

  const routes = parseRoutes(values.route ?? 'all');

  const quick = values.quick ?? false;
  let viewers = quick ? QUICK : FULL;
  let perRelay = quick ? QUICK_PER_RELAY : FULL_PER_RELAY;
  if (!routes.includes('relay') && (values.relays !== undefined || values['relay-guests'] !== undefined)) {
    throw new BenchUsageError('--relays and --relay-guests go with --route relay (e.g. --route relay --relays 4).');
  }
  if (values.viewers !== undefined) {
    const counts = parseViewerList(values.viewers);
    perRelay = withZero(counts);
    const positive = counts.filter((n) => n > 0);
    viewers = { latency: positive, memory: withZero(counts), flood: withZero(counts), connect: positive };
    if (!positive.length && (scenarios.includes('latency') || scenarios.includes('connect'))) {
      throw new BenchUsageError('--viewers needs at least one count above 0 for latency and connect (or leave them out with --only).');
    }
  }

  const ciphers = values.ciphers ?? 'native';
  if (ciphers !== 'native' && ciphers !== 'js') throw new BenchUsageError(`--ciphers must be native or js (got "${ciphers}").`);

  const out = values.out;
  if (out !== undefined && !out.trim()) throw new BenchUsageError('--out needs a file name.');

  return {
    quick,
    scenarios,
    routes,
    viewers: { latency: [...viewers.latency], memory: [...viewers.memory], flood: [...viewers.flood], connect: [...viewers.connect] },
    samples: values.samples === undefined ? 200 : int('samples', values.samples, 1, 10_000),
    floodMiB: values['flood-mb'] === undefined ? 20 : int('flood-mb', values['flood-mb'], 1, 200),
    sizes: values.sizes === undefined ? [HOST_SIZE] : parseSizes(values.sizes),
    connectConcurrency: values.concurrency === undefined ? 10 : int('concurrency', values.concurrency, 1, 100),
    timeLimitSec: values['time-limit'] === undefined ? 600 : int('time-limit', values['time-limit'], 10, 3600),
    out,
    ciphers,
    relays: values.relays === undefined ? 4 : int('relays', values.relays, 1, 16),
    relayGuests: values['relay-guests'] === undefined ? (quick ? QUICK_RELAY_GUESTS : DEFAULT_RELAY_GUESTS) : int('relay-guests', values['relay-guests'], 1, MAX_VIEWERS),
    perRelay: [...perRelay],
  };
}
