// The bench's printed table: a column per route asked for, and the ratios between routes of the
// same run (embedded against OpenSSH, browser guests against embedded SSH guests).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BenchOptions, parseBenchArgs } from '../../bench/options';
import { BenchResults, renderTable, SCHEMA, TARGETS } from '../../bench/report';
import { LatencyRow } from '../../bench/scenarios/latency';
import { MemoryRow } from '../../bench/scenarios/memory';
import { RecordingRow } from '../../bench/scenarios/recording';
import { summarize } from '../../bench/stats';

function results(argv: string[], latency: LatencyRow[], memory: MemoryRow[] = [], recording: RecordingRow[] = []): BenchResults {
  const options = parseBenchArgs(argv) as BenchOptions;
  return {
    schema: SCHEMA,
    startedAt: '2026-11-30T00:00:00.000Z',
    finishedAt: '2026-11-30T00:01:00.000Z',
    wallSec: 60,
    machine: { cores: 2, cpuModel: 'test', memoryMiB: 4096, kernel: '6', node: 'v20', tmux: 'tmux 3.3a', openssh: 'OpenSSH_9.2p1', ssh2: '1', xtermHeadless: '5', loadAverage: { start: 1 } },
    options,
    routes: { embedded: { status: 'measured' }, system: { status: 'measured' }, web: { status: 'measured' }, relay: { status: 'skipped' } },
    latency,
    memory,
    flood: [],
    recording,
    connect: [],
    extension: null,
    relay: null,
    notes: [],
    targets: TARGETS,
  };
}

const lat = (route: string, ms: number): LatencyRow => ({ route, viewers: 1, markers: 1, ms: summarize([ms]), everyViewerMs: summarize([ms]), timeouts: 0 });

test('every route asked for has a column, with emb/sys and web/emb ratios', () => {
  const table = renderTable(results([], [lat('embedded', 2), lat('system', 4), lat('web', 3)]));
  assert.match(table, /viewers\s+embedded\s+system \(OpenSSH\)\s+web \(browser\)\s+emb\/sys\s+web\/emb/);
  assert.match(table, /latency p50 \(ms\)\s+1\s+2\.00\s+4\.00\s+3\.00\s+0\.50x\s+1\.50x/);
  assert.match(table, /browser viewers are ws clients/);
});

test('a web-only run shows the web column and no ratio', () => {
  const memory: MemoryRow[] = [{ route: 'web', points: [{ viewers: 0, pssMiB: 30, ussMiB: 20, processes: 3, byKind: {} }], slopeMiBPerViewer: 0.05 }];
  const table = renderTable(results(['--route', 'web'], [lat('web', 3)], memory));
  assert.match(table, /viewers\s+web \(browser\)\n/);
  assert.match(table, /latency p50 \(ms\)\s+1\s+3\.00\n/);
  assert.match(table, /MiB per added viewer \(slope\)\s+all\s+0\.050\n/);
  assert.doesNotMatch(table, /emb\/sys|web\/emb|system \(OpenSSH\)/);
});

test('the two SSH routes (--route both) print as before: embedded, system and emb/sys', () => {
  const table = renderTable(results(['--route', 'both'], [lat('embedded', 2), lat('system', 4)]));
  assert.match(table, /latency p50 \(ms\)\s+1\s+2\.00\s+4\.00\s+0\.50x\n/);
  assert.doesNotMatch(table, /web/);
});

test('the cat while recording: its time against not recording, the ratio, and the file per cat', () => {
  const row = (route: string, alone: number, rec: number): RecordingRow => ({
    route,
    fileMiB: 20,
    catMs: rec,
    catRunsMs: [rec],
    aloneMs: alone,
    aloneRunsMs: [alone],
    ratio: rec / alone,
    fileBytes: 3 * 1024 * 1024,
    fileBytesRuns: [3 * 1024 * 1024],
  });
  const table = renderTable(results(['--route', 'both'], [], [], [row('embedded', 1000, 1020), row('system', 1100, 1210)]));
  assert.match(table, /The host's cat while recording/);
  assert.match(table, /cat 20 MiB, not recording \(s\)\s+0\s+1\.00\s+1\.10\s+0\.91x\n/);
  assert.match(table, /  recording vs\. not \(x\)\s+0\s+1\.02\s+1\.10\s+0\.93x\n/);
  assert.match(table, /  the recording per cat \(KiB\)\s+0\s+3072\s+3072\s*\n/);
  assert.match(table, /cat while the broadcast records <= 1\.05x/);
  assert.doesNotMatch(renderTable(results([], [lat('embedded', 2)])), /while recording/);
});

test('the relay section: each figure beside its target, met or not, judged only where the run reached it', () => {
  const lat = (p50: number): LatencyRow['ms'] => summarize([p50]);
  const r = results(['--route', 'relay'], []);
  r.relay = {
    relays: 4,
    natsServer: 'nats-server: v2.9.10',
    guests: 2000,
    latency: [{ viewers: 100, relays: 4, direct: { markers: 1, ms: lat(4), everyViewerMs: lat(4), timeouts: 0 }, relay: { markers: 1, ms: lat(6), everyViewerMs: lat(6), timeouts: 0 }, p50DiffMs: 2 }],
    hostCpu: {
      fileMiB: 20,
      points: [
        { guests: 0, relays: 0, catRunsMs: [500], hostTmuxMs: 400, hostServingMs: 100, hostMs: 500, relaysMs: 0, natsMs: 0, caughtUpMs: null, behind: 0 },
        { guests: 2000, relays: 4, catRunsMs: [600], hostTmuxMs: 420, hostServingMs: 110, hostMs: 530, relaysMs: 3000, natsMs: 20, caughtUpMs: 900, behind: 0 },
      ],
      ratioToNone: 1.06,
      ratioToOnePerRelay: null,
    },
    capacity: {
      relay: 'bench-relay-1',
      points: [
        { guests: 0, pssMiB: 40, ussMiB: 30, cpuPerCatMs: null, catMs: null, caughtUpMs: null, behind: 0, bytesPerGuest: null },
        { guests: 500, pssMiB: 90, ussMiB: 80, cpuPerCatMs: 700, catMs: 600, caughtUpMs: 800, behind: 0, bytesPerGuest: 30720 },
      ],
      slopeMiBPerGuest: 0.1,
    },
  };
  const table = renderTable(r);
  assert.match(table, /host CPU, 2000 guests vs none\s+2000\s+1\.06x\s+<= 1\.1x: met/);
  assert.match(table, /p50 through a relay minus direct\s+100\s+\+2\.00 ms\s+<= 1\.5 ms: NOT met/);
  assert.match(table, /MiB per added guest \(slope\)\s+all\s+0\.100\s+<= 0\.1 MiB: met/);
  // 500 guests on one relay: not judged against the 1,000 target.
  assert.match(table, /one relay served them all \(every guest showed every cat\)\s+500\s+yes\n/);
  // No shared-scenario column for the relay route.
  assert.doesNotMatch(table, /viewers\s+relay/);
});
