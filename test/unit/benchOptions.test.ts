// `npm run bench` option parsing and the summaries its table is made of.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BenchOptions, BenchUsageError, parseBenchArgs } from '../../bench/options';
import { percentile, ratio, slope, summarize } from '../../bench/stats';

function parsed(argv: string[]): BenchOptions {
  const o = parseBenchArgs(argv);
  assert.notEqual(o, 'help');
  return o as BenchOptions;
}

test('defaults are the full run of issue 6: every route (browser guests too, issue 16), every scenario, its viewer counts', () => {
  const o = parsed([]);
  assert.deepEqual(o.routes, ['embedded', 'system', 'web']);
  assert.deepEqual(o.scenarios, ['latency', 'memory', 'flood', 'recording', 'connect', 'extension']);
  assert.deepEqual(o.viewers, { latency: [1, 10, 100], memory: [0, 1, 50, 200, 1000], flood: [0, 50, 200], connect: [200] });
  assert.equal(o.samples, 200);
  assert.equal(o.floodMiB, 20);
  assert.equal(o.ciphers, 'native');
  assert.equal(parsed(['--ciphers', 'js']).ciphers, 'js');
});

test('--quick uses 1 and 10 viewers', () => {
  const o = parsed(['--quick']);
  assert.deepEqual(o.viewers.latency, [1, 10]);
  assert.deepEqual(o.viewers.connect, [10]);
  assert.ok(o.viewers.flood.every((n) => n <= 10) && o.viewers.flood.includes(0));
});

test('--only is repeatable and comma-separated; --route and --viewers narrow the run', () => {
  const o = parsed(['--only', 'flood', '--only', 'latency,memory', '--route', 'embedded', '--viewers', '200,50', '--out', 'x.json']);
  assert.deepEqual(o.scenarios, ['latency', 'memory', 'flood']);
  assert.deepEqual(o.routes, ['embedded']);
  // Memory and flood keep 0 as their baseline; latency and connect have no use for 0.
  assert.deepEqual(o.viewers, { latency: [50, 200], memory: [0, 50, 200], flood: [0, 50, 200], connect: [50, 200] });
  assert.equal(o.out, 'x.json');
  assert.deepEqual(o.sizes, [{ cols: 120, rows: 34 }]);
  assert.deepEqual(parsed(['--sizes', '80x24, 200x50']).sizes, [{ cols: 80, rows: 24 }, { cols: 200, rows: 50 }]);
});

test('--route takes a route, several comma-separated, both (the two SSH routes, as before) or all', () => {
  assert.deepEqual(parsed(['--route', 'web']).routes, ['web']);
  assert.deepEqual(parsed(['--route', 'both']).routes, ['embedded', 'system']);
  assert.deepEqual(parsed(['--route', 'all']).routes, ['embedded', 'system', 'web']);
  // In the report's order, each once.
  assert.deepEqual(parsed(['--route', 'web, embedded,web']).routes, ['embedded', 'web']);
  assert.deepEqual(parsed(['--route', 'both,web']).routes, ['embedded', 'system', 'web']);
  // The relay route only when named (it starts nats-server and relays of its own).
  assert.deepEqual(parsed(['--route', 'all,relay']).routes, ['embedded', 'system', 'web', 'relay']);
  const relay = parsed(['--route', 'relay', '--relays', '3']);
  assert.deepEqual([relay.relays, relay.relayGuests, relay.perRelay], [3, 1000, [0, 250, 500, 1000]]);
  assert.deepEqual(parsed(['--route', 'relay', '--quick']).perRelay, [0, 10, 50]);
  assert.deepEqual(parsed(['--route', 'relay', '--viewers', '100,1000']).perRelay, [0, 100, 1000]);
});

test('bad input gets an error that says what to do', () => {
  const bad: [string[], RegExp][] = [
    [['--only', 'speed'], /not a scenario.*latency, memory, flood, recording, connect, extension/],
    [['--route', 'openssh'], /"openssh" is not a route\. Choose embedded, system, web, relay \(comma-separated for several\), both \(embedded and system\) or all/],
    [['--relays', '2'], /--relays and --relay-guests go with --route relay/],
    [['--route', 'relay', '--relays', '0'], /--relays must be a whole number from 1 to 16/],
    [['--route', 'relay', '--relay-guests', '2001'], /--relay-guests must be a whole number from 1 to 2000/],
    [['--route', 'toString'], /"toString" is not a route/],
    [['--route', ','], /--route needs a route/],
    [['--viewers', '1,x'], /--viewers must be a whole number/],
    [['--viewers', ''], /comma-separated list/],
    [['--viewers', '0'], /at least one count above 0/],
    [['--samples', '0'], /--samples must be a whole number from 1/],
    [['--flood-mb', '2.5'], /--flood-mb must be a whole number/],
    [['--fast'], /Unknown option.*--help/s],
    [['--sizes', '80*24'], /not a terminal size: write COLSxROWS/],
    [['--sizes', '10x10'], /20-1000 columns/],
    [['--ciphers', 'aes'], /--ciphers must be native or js/],
  ];
  for (const [argv, message] of bad) assert.throws(() => parseBenchArgs(argv), (e: Error) => e instanceof BenchUsageError && message.test(e.message), argv.join(' '));
  assert.equal(parseBenchArgs(['--help']), 'help');
  // --viewers 0 is fine when only baseline-style scenarios run.
  assert.deepEqual(parsed(['--viewers', '0', '--only', 'memory']).viewers.memory, [0]);
});

test('summaries: interpolated percentiles, least-squares slope, ratios that refuse to divide by nothing', () => {
  assert.equal(percentile([1, 2, 3, 4], 0.5), 2.5);
  const s = summarize(Array.from({ length: 101 }, (_, i) => 100 - i));
  assert.deepEqual([s.count, s.min, s.p50, s.p95, s.p99, s.max], [101, 0, 50, 95, 99, 100]);
  assert.equal(slope([{ x: 0, y: 10 }, { x: 1, y: 10.5 }, { x: 200, y: 110 }]).toFixed(3), '0.500');
  assert.ok(Number.isNaN(slope([{ x: 5, y: 1 }])));
  assert.equal(ratio(3, 2), 1.5);
  assert.equal(ratio(3, 0), null);
  assert.equal(ratio(null, 2), null);
});
