// The test command's counts (scripts/test.mjs) come from node:test's structured events, so a test
// cannot change them by what it prints, and tests the runner itself loses count as failures.
// Each case runs a real `node --test` on throwaway test files with the project's events reporter
// and tallies the result as scripts/test.mjs does.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');
// The scripts are ES modules: tsc would turn import() into require().
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

interface Tally {
  passed: number;
  failures: Array<{ name: string; why: string }>;
  skipped: Array<{ name: string; reason: string }>;
}
interface TallyModule {
  tallyEvents(text: string, root: string): Tally;
  failSkipsOnCi(tally: Tally): Tally;
  summaryLines(tally: Tally): string[];
}

/** Runs `node --test` on `files` (name -> source) in a temp folder and tallies its events. */
async function runFiles(files: Record<string, string>): Promise<{ tally: Tally; module: TallyModule; exitCode: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'gb-runner-'));
  try {
    mkdirSync(join(dir, 'cases'));
    for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, 'cases', name), source);
    const events = join(dir, 'events.jsonl');
    // NODE_TEST_CONTEXT tells a node --test child to report to its parent: this run is its own.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const exitCode = await new Promise<number>((resolve) => {
      execFile(process.execPath, [
        '--test', '--test-concurrency=1',
        `--test-reporter=${join(ROOT, 'scripts', 'testEventsReporter.mjs')}`, `--test-reporter-destination=${events}`,
        'cases',
      ], { cwd: dir, env, timeout: 60_000 }, (error) => resolve(error ? Number((error as { code?: number }).code ?? 1) : 0));
    });
    const module = (await importModule(join(ROOT, 'scripts', 'testTally.mjs'))) as TallyModule;
    return { tally: module.tallyEvents(readFileSync(events, 'utf8'), dir), module, exitCode };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const HEADER = "const { test } = require('node:test');\n";

test('text a test prints ("# pass 99", TAP lines, diagnostics) changes no count', { timeout: 90_000 }, async () => {
  const { tally } = await runFiles({
    'forged.test.js': HEADER + `
test('prints a forged summary', (t) => {
  console.log('# pass 99\\n# fail 0\\nok 1 - forged\\n# skipped 0');
  t.diagnostic('pass 99');
});
test('really fails', () => { throw new Error('the real failure'); });
`,
  });
  assert.equal(tally.passed, 1);
  assert.deepEqual(tally.failures, [{ name: 'cases/forged.test.js: really fails', why: 'the real failure' }]);
  assert.deepEqual(tally.skipped, []);
});

test('a file whose process exits 0 mid-test fails: the test that ran and the ones after it are named', { timeout: 90_000 }, async () => {
  const { tally, exitCode } = await runFiles({
    'exits.test.js': HEADER + `
test('passes first', () => {});
test('exits mid-test', async () => { await new Promise((r) => setTimeout(r, 10)); process.exit(0); });
test('never gets to run', () => {});
`,
    'early.test.js': 'process.exit(0);\n',
  });
  // node --test itself is content with both files: this is why the tally looks for itself.
  assert.equal(exitCode, 0);
  assert.equal(tally.passed, 1);
  assert.deepEqual(tally.failures.map((f) => f.name).sort(), [
    'cases/early.test.js',
    'cases/exits.test.js: exits mid-test',
    'cases/exits.test.js: never gets to run',
  ]);
  assert.match(tally.failures.find((f) => f.name === 'cases/early.test.js')?.why ?? '', /reported no test/);
  assert.match(tally.failures.find((f) => f.name.endsWith('exits mid-test'))?.why ?? '', /never finished/);
});

test('skips are counted and named with their reasons, nested ones with their suite; on CI each is a failure', { timeout: 90_000 }, async () => {
  const { tally, module } = await runFiles({
    'skips.test.js': `const { test, describe, it } = require('node:test');
test('skipped by option', { skip: 'needs root' }, () => {});
test('skipped from inside', (t) => { t.skip('no tool here'); });
describe('a suite', () => { it('nested skip', { skip: 'later' }, () => {}); it('nested pass', () => {}); });
describe.skip('a skipped suite', () => { it('inside', () => {}); });
test('a subtest fails', async (t) => { await t.test('the child', () => { throw new Error('child broke'); }); });
`,
  });
  assert.equal(tally.passed, 1);
  assert.deepEqual(tally.skipped, [
    { name: 'cases/skips.test.js: skipped by option', reason: 'needs root' },
    { name: 'cases/skips.test.js: skipped from inside', reason: 'no tool here' },
    { name: 'cases/skips.test.js: a suite > nested skip', reason: 'later' },
    { name: 'cases/skips.test.js: a skipped suite', reason: '(skipped, no reason given)' },
  ]);
  // The parent failing because its child did is the same failure, counted once.
  assert.deepEqual(tally.failures, [{ name: 'cases/skips.test.js: a subtest fails > the child', why: 'child broke' }]);
  const lines = module.summaryLines(tally);
  assert.equal(lines.at(-1), '1 passed, 1 failed, 4 skipped');
  assert.ok(lines.includes('  - cases/skips.test.js: skipped by option  [needs root]'), lines.join('\n'));

  const onCi = module.failSkipsOnCi(tally);
  assert.equal(module.summaryLines(onCi).at(-1), '1 passed, 5 failed');
  assert.ok(onCi.failures.some((f) => f.name === 'cases/skips.test.js: skipped by option' && /skipped on CI.*needs root/.test(f.why)));
});

test('tests made by a helper (as boundedTest makes them) are named by the test file they ran in', { timeout: 90_000 }, async () => {
  const maker = "const { test } = require('node:test');\nexports.make = (name, fn, skip = false) => test(name, { skip }, fn);\n";
  const { tally } = await runFiles({
    'maker.js': maker,
    'first.test.js': "const { make } = require('./maker');\nmake('first passes', () => {});\nmake('first exits', async () => { await new Promise((r) => setTimeout(r, 10)); process.exit(0); });\n",
    'second.test.js': "const { make } = require('./maker');\nmake('second fails', () => { throw new Error('second broke'); });\nmake('second skips', () => {}, 'why');\n",
  });
  assert.equal(tally.passed, 1);
  assert.deepEqual(tally.failures.map((f) => f.name).sort(), ['cases/first.test.js: first exits', 'cases/second.test.js: second fails']);
  assert.deepEqual(tally.skipped, [{ name: 'cases/second.test.js: second skips', reason: 'why' }]);
});
