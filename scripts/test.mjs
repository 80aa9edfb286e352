#!/usr/bin/env node
// The one test command: builds, compiles the tests, runs each suite, and ends with the line
// "N passed, N failed" (", N skipped" when any) summed over all suites, with every skipped and
// failed test named above it. `node scripts/test.mjs unit integration` runs only the named
// suites. Exit code: 0 only when nothing failed and something ran. With CI set, a skip is a
// failure (see failSkipsOnCi in testTally.mjs).
//
// Counts come from the runner's structured events (testEventsReporter.mjs, counted by
// testTally.mjs), never from text: a test can print "# pass 99" but cannot fake an event.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { addTally, emptyTally, failSkipsOnCi, onCi, summaryLines, tallyEvents } from './testTally.mjs';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);

// Suites run in this order; each is a folder of *.test.ts compiled to out/, or (vscode) a harness.
const ALL = ['unit', 'integration', 'webview', 'security', 'vscode'];
const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of asked) {
  if (!ALL.includes(name)) {
    console.error(`Unknown suite "${name}". Suites: ${ALL.join(', ')}`);
    process.exit(2);
  }
}
const suites = asked.length ? asked : ALL;

function step(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed; no tests ran.`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

step('node', ['esbuild.mjs']);
rmSync('out', { recursive: true, force: true });
step('npx', ['tsc', '-p', '.']);
mkdirSync('out/test-results', { recursive: true });

function hasTests(dir) {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.test.js'));
}

const totals = emptyTally();
const rows = [];
for (const suite of suites) {
  let tally = emptyTally();
  if (suite === 'vscode') {
    const harness = 'out/test/vscode/harness/run.js';
    if (!existsSync(harness)) continue;
    const resultFile = 'out/test-results/vscode.json';
    const r = spawnSync('node', [harness, '--result', resultFile], { stdio: 'inherit' });
    if (existsSync(resultFile)) {
      // The harness writes {passed, failed, skipped: [title], failures: [{name, why}]} (run.ts).
      const result = JSON.parse(readFileSync(resultFile, 'utf8'));
      tally.passed = result.passed;
      tally.skipped = (result.skipped ?? []).map((title) => ({ name: `vscode: ${title}`, reason: 'skipped in the VS Code suite (mocha pending)' }));
      tally.failures = (result.failures ?? []).map((f) => ({ name: `vscode: ${f.name}`, why: f.why }));
      for (let i = tally.failures.length; i < result.failed; i++) tally.failures.push({ name: 'vscode', why: 'the VS Code run failed (see its log above)' });
      if (r.status !== 0 && tally.failures.length === 0) tally.failures.push({ name: 'vscode', why: `the harness exited with code ${r.status}` });
    } else {
      tally.failures.push({ name: 'vscode', why: 'the VS Code harness wrote no result' });
    }
  } else {
    const dir = join('out/test', suite);
    if (!hasTests(dir)) continue;
    console.log(`\n=== ${suite} tests ===`);
    const events = `out/test-results/${suite}.events.jsonl`;
    const r = spawnSync('node', [
      '--test', '--test-concurrency=1',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/testEventsReporter.mjs', `--test-reporter-destination=${events}`,
      dir,
    ], { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR } });
    if (existsSync(events)) tally = tallyEvents(readFileSync(events, 'utf8'), root);
    else tally.failures.push({ name: suite, why: 'the test runner wrote no events' });
    if (r.status !== 0 && tally.failures.length === 0) tally.failures.push({ name: suite, why: `node --test exited with code ${r.status}` });
  }
  if (onCi()) tally = failSkipsOnCi(tally);
  rows.push(`${suite.padEnd(12)} ${String(tally.passed).padStart(4)} passed ${String(tally.failures.length).padStart(4)} failed ${String(tally.skipped.length).padStart(4)} skipped`);
  addTally(totals, tally);
}

console.log('\nSummary');
for (const row of rows) console.log('  ' + row);
for (const line of summaryLines(totals)) console.log(line);
process.exit(totals.failures.length === 0 && totals.passed > 0 ? 0 : 1);
