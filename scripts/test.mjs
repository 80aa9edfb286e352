#!/usr/bin/env node
// The one test command: builds, compiles the tests, runs each suite, and ends with the line
// "N passed, N failed" summed over all suites. `node scripts/test.mjs unit integration` runs
// only the named suites. Exit code: 0 only when nothing failed and something ran.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

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

function count(text, key) {
  const m = new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const rows = [];
for (const suite of suites) {
  let passed = 0, failed = 0, skipped = 0;
  if (suite === 'vscode') {
    const harness = 'out/test/vscode/harness/run.js';
    if (!existsSync(harness)) continue;
    const resultFile = 'out/test-results/vscode.json';
    const r = spawnSync('node', [harness, '--result', resultFile], { stdio: 'inherit' });
    if (existsSync(resultFile)) {
      ({ passed, failed } = JSON.parse(readFileSync(resultFile, 'utf8')));
      if (r.status !== 0 && failed === 0) failed = 1;
    } else {
      failed = 1;
      console.error('The VS Code harness wrote no result: counted as one failure.');
    }
  } else {
    const dir = join('out/test', suite);
    if (!hasTests(dir)) continue;
    console.log(`\n=== ${suite} tests ===`);
    const tap = `out/test-results/${suite}.tap`;
    const r = spawnSync('node', [
      '--test', '--test-concurrency=1',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`,
      dir,
    ], { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR } });
    const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
    passed = count(text, 'pass');
    failed = count(text, 'fail') + count(text, 'cancelled');
    skipped = count(text, 'skipped');
    if (r.status !== 0 && failed === 0) failed = 1;
  }
  rows.push(`${suite.padEnd(12)} ${String(passed).padStart(4)} passed ${String(failed).padStart(4)} failed ${String(skipped).padStart(4)} skipped`);
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
}

console.log('\nSummary');
for (const row of rows) console.log('  ' + row);
console.log(`${totals.passed} passed, ${totals.failed} failed` + (totals.skipped ? `, ${totals.skipped} skipped` : ''));
process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
