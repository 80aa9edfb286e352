// `npm run bench`: measures every route asked for in one run and reports every figure beside its baseline.
// Bounded throughout: loopback only, every loop with a count and a time limit, and the run as a
// whole stops starting new measurements at --time-limit. Never a pass/fail gate: exit 0 whenever
// the run itself worked, whatever the figures say; 1 when a route could not be measured at all.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { BenchContext, sleep } from './context';
import { HOST_BUNDLE, HOST_BUNDLE_JS_CIPHERS, HostHandle } from './host/hostHandle';
import { currentLoad, machineInfo } from './machine';
import { BenchUsageError, HELP, parseBenchArgs, RouteName } from './options';
import { BenchResults, renderTable, SCHEMA, TARGETS } from './report';
import { EmbeddedRouteUnderTest } from './routes/embedded';
import { RouteUnderTest } from './routes/route';
import { SystemRouteUnderTest, systemRouteUnavailable } from './routes/system';
import { WebRouteUnderTest } from './routes/web';
import { measureConnect } from './scenarios/connect';
import { measureExtension } from './scenarios/extension';
import { Flood } from './scenarios/flood';
import { measureRecording } from './scenarios/recording';
import { measureLatency } from './scenarios/latency';
import { measureMemory } from './scenarios/memory';
import { natsUnavailable, NATS_SERVER } from './relay/natsProcess';
import { RelayFleet } from './routes/relay';
import { measureRelayCapacity } from './scenarios/relayCapacity';
import { measureRelayHostCpu } from './scenarios/relayHostCpu';
import { measureRelayLatency } from './scenarios/relayLatency';
import { spawnSync } from 'node:child_process';

const ROOT = join(__dirname, '..', '..');

/** `nats-server --version`, for the report. */
function natsVersion(): string {
  const r = spawnSync(NATS_SERVER, ['--version'], { encoding: 'utf8', timeout: 5000 });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n')[0] || 'nats-server';
}

function defaultOut(startedAt: Date): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
  return join(ROOT, 'bench', 'results', `bench-${stamp}.json`);
}

async function run(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    if (error instanceof BenchUsageError) {
      process.stderr.write(`bench: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (!existsSync(HOST_BUNDLE) || !existsSync(HOST_BUNDLE_JS_CIPHERS)) {
    process.stderr.write(`bench: the host bundles (${HOST_BUNDLE} and ${HOST_BUNDLE_JS_CIPHERS}) are missing. Run the bench with "npm run bench", which builds them first.\n`);
    return 2;
  }

  const started = new Date();
  const workDir = mkdtempSync(join(tmpdir(), 'gb-bench-'));
  const ctx = new BenchContext(options, workDir, started.getTime() + options.timeLimitSec * 1000);
  const results: BenchResults = {
    schema: SCHEMA,
    startedAt: started.toISOString(),
    finishedAt: '',
    wallSec: 0,
    machine: machineInfo(),
    options,
    routes: {
      embedded: { status: 'skipped', note: 'skipped: not asked for (--route)' },
      system: { status: 'skipped', note: 'skipped: not asked for (--route)' },
      web: { status: 'skipped', note: 'skipped: not asked for (--route)' },
      relay: { status: 'skipped', note: 'skipped: not asked for (--route relay)' },
    },
    latency: [],
    memory: [],
    flood: [],
    recording: [],
    connect: [],
    extension: null,
    relay: null,
    notes: ctx.notes,
    targets: TARGETS,
  };

  const largest = Math.max(1, ...Object.values(options.viewers).flat());
  const routes: RouteUnderTest[] = [];
  for (const name of options.routes) {
    if (name === 'relay') continue; // its own section, below
    if (name === 'system') {
      const why = systemRouteUnavailable();
      if (why) {
        results.routes.system = { status: 'skipped', note: why };
        ctx.note(`system route ${why}: no OpenSSH baseline in this run, so no emb/sys ratios`);
        continue;
      }
      routes.push(new SystemRouteUnderTest(workDir));
    } else if (name === 'web') {
      routes.push(new WebRouteUnderTest(workDir, largest + 10, options.ciphers));
    } else {
      routes.push(new EmbeddedRouteUnderTest(workDir, largest + 10, options.ciphers));
    }
  }
  // What happened on each route, for results.routes at the end.
  const tried = new Set<RouteName>();
  const measured = new Set<RouteName>();
  /** Routes that could not start, with why: not tried again. */
  const failed = new Map<RouteName, string>();
  /** The measurement running now, so Ctrl-C can let it fail before the process exits. */
  let inFlight: Promise<unknown> = Promise.resolve();
  /** Runs one measurement; a failure is noted and the run goes on. */
  const attempt = async <T>(route: { name: RouteName }, what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    if (failed.has(route.name)) return undefined;
    if (ctx.remainingMs() <= 0) {
      ctx.note(`${what} (${route.name}): not measured: ${ctx.stopReason}`);
      return undefined;
    }
    ctx.log(`${what} on ${route.name}…`);
    tried.add(route.name);
    try {
      const pending = fn();
      inFlight = pending.catch(() => undefined);
      const row = await pending;
      measured.add(route.name);
      return row;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.note(`${what} (${route.name}) failed: ${message}`);
      // A route that cannot even start is not tried again.
      if (/did not start|failed to start|exited .* before it was ready|sshd|nats-server/.test(message)) failed.set(route.name, message.split('\n')[0]);
      return undefined;
    }
  };
  /** The relay route's nats-server and relays, once started (stopped by cleanup). */
  let fleet: RelayFleet | undefined;

  const cleanup = async (): Promise<void> => {
    await HostHandle.stopAll();
    await fleet?.close().catch(() => undefined);
    for (const route of routes) {
      const note = await route.close().catch(() => undefined);
      if (note) ctx.notes.push(note);
    }
    rmSync(workDir, { recursive: true, force: true });
  };
  const interrupted = (signal: string): void => {
    process.stderr.write(`\nbench: ${signal}, cleaning up…\n`);
    ctx.abort();
    // Stopping the hosts and sshd makes the running measurement fail quickly; give it a moment to
    // finish failing (a route closed meanwhile stops what it was starting), then clean up again.
    void cleanup()
      .then(() => Promise.race([inFlight, sleep(3000)]))
      .then(cleanup)
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', () => interrupted('SIGINT'));
  process.once('SIGTERM', () => interrupted('SIGTERM'));

  try {
    if (options.scenarios.includes('extension')) results.extension = measureExtension(ctx);

    if (options.scenarios.includes('latency')) {
      for (const count of options.viewers.latency) {
        for (const route of routes) {
          const row = await attempt(route, `latency with ${count} viewers`, () => measureLatency(ctx, route, count));
          if (row) results.latency.push(row);
        }
      }
    }
    if (options.scenarios.includes('memory')) {
      for (const route of routes) {
        const row = await attempt(route, `memory at ${options.viewers.memory.join(', ')} viewers`, () => measureMemory(ctx, route, options.viewers.memory));
        if (row) results.memory.push(row);
      }
    }
    // Connect before flood: the 200-viewer flood is the longest step, so if the time limit
    // cuts anything it cuts that.
    if (options.scenarios.includes('connect')) {
      for (const count of options.viewers.connect) {
        for (const route of routes) {
          const row = await attempt(route, `connect ${count} viewers`, () => measureConnect(ctx, route, count));
          if (row) results.connect.push(row);
        }
      }
    }
    if (options.scenarios.includes('flood') || options.scenarios.includes('recording')) {
      const flood = new Flood(ctx);
      try {
        // The recording's cost first: a short step, before the time limit may cut the long floods.
        if (options.scenarios.includes('recording')) {
          for (const route of routes) {
            const row = await attempt(route, 'cat while recording', () => measureRecording(ctx, route, flood));
            if (row) results.recording.push(row);
          }
        }
        if (options.scenarios.includes('flood')) {
          for (const count of options.viewers.flood) {
            for (const route of routes) {
              const row = await attempt(route, `flood with ${count} viewers`, () => flood.measure(route, count));
              if (row) results.flood.push(row);
            }
          }
        }
      } finally {
        flood.dispose();
      }
    }
    if (options.routes.includes('relay')) {
      const relayScenarios = options.scenarios.filter((x) => x === 'latency' || x === 'memory' || x === 'flood');
      const why = natsUnavailable();
      if (why) {
        results.routes.relay = { status: 'skipped', note: why };
        ctx.note(`relay route ${why}`);
      } else if (relayScenarios.length) {
        const relay = { name: 'relay' as const };
        const maxGuests = Math.max(options.relayGuests, ...options.perRelay, ...options.viewers.latency) + 10;
        fleet = await attempt(relay, `starting nats-server and ${options.relays} relays`, () => RelayFleet.start(workDir, options.relays, maxGuests, options.ciphers));
        if (fleet) {
          const started = fleet;
          const section: NonNullable<BenchResults['relay']> = { relays: options.relays, natsServer: natsVersion(), guests: options.relayGuests, latency: [], hostCpu: null, capacity: null };
          results.relay = section;
          const flood = relayScenarios.includes('flood') || relayScenarios.includes('memory') ? new Flood(ctx) : undefined;
          try {
            if (relayScenarios.includes('latency')) {
              for (const count of options.viewers.latency) {
                const row = await attempt(relay, `latency with ${count} guests, direct and through relays`, () => measureRelayLatency(ctx, started, count));
                if (row) section.latency.push(row);
              }
            }
            if (flood && relayScenarios.includes('flood')) {
              section.hostCpu = (await attempt(relay, `the host's CPU per cat with up to ${options.relayGuests} guests over ${options.relays} relays`, () => measureRelayHostCpu(ctx, started, flood, options.relayGuests))) ?? null;
            }
            if (flood && relayScenarios.includes('memory')) {
              section.capacity = (await attempt(relay, `one relay's memory and CPU at ${options.perRelay.join(', ')} guests`, () => measureRelayCapacity(ctx, started, flood, options.perRelay))) ?? null;
            }
          } finally {
            flood?.dispose();
          }
        }
      }
    }
  } finally {
    await cleanup();
  }

  const asked: RouteName[] = [...routes.map((r) => r.name), ...(options.routes.includes('relay') && !natsUnavailable() ? ['relay' as const] : [])];
  for (const name of asked) {
    const why = failed.get(name);
    if (measured.has(name)) results.routes[name] = why ? { status: 'measured', note: `measured, then failed: ${why}` } : { status: 'measured' };
    else if (why) results.routes[name] = { status: 'failed', note: `failed: ${why}` };
    else if (tried.has(name)) results.routes[name] = { status: 'failed', note: 'failed: no measurement on this route succeeded (see the notes)' };
    else results.routes[name] = { status: 'skipped', note: 'skipped: no scenario that uses a route was asked for (--only)' };
  }

  const finished = new Date();
  results.finishedAt = finished.toISOString();
  results.wallSec = (finished.getTime() - started.getTime()) / 1000;
  results.machine.loadAverage.end = currentLoad();
  const out = options.out ? resolve(options.out) : defaultOut(started);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(renderTable(results));
  process.stdout.write(`\nJSON: ${out}\n`);
  return Object.values(results.routes).some((r) => r.status === 'failed') ? 1 : 0;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
