// Counts a node:test run from the JSON lines scripts/testEventsReporter.mjs wrote, and prints the
// summary scripts/test.mjs ends with. Only the runner's own events count: nothing a test prints.
//
// Besides passes, failures and skips, three things count as failures because the runner itself
// reports them as nothing (Node 20 measured): a test that was queued but never passed or failed
// (its file's process exited mid-test, e.g. process.exit(0): the runner reports the file as done
// and the test simply vanishes), a file that reported no test at all (it exited before its tests
// ran, or defines none: the runner shows it as one passing "test" named by its path), and a file
// that failed as a whole (a load error, a non-zero exit).
//
// `node scripts/testTally.mjs EVENTS.jsonl...` prints the same summary for saved runs.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/** @typedef {{ name: string, why: string }} Failure */
/** @typedef {{ name: string, reason: string }} Skip */
/** @typedef {{ passed: number, failures: Failure[], skipped: Skip[] }} Tally */

/** @returns {Tally} */
export function emptyTally() {
  return { passed: 0, failures: [], skipped: [] };
}

/** @param {Tally} into @param {Tally} from */
export function addTally(into, from) {
  into.passed += from.passed;
  into.failures.push(...from.failures);
  into.skipped.push(...from.skipped);
  return into;
}

function reasonOf(value, word) {
  return typeof value === 'string' && value ? value : `(${word}, no reason given)`;
}

/**
 * Tallies one run's events (the reporter's JSON lines). `root` shortens file names.
 * @param {string} text @param {string} root @returns {Tally}
 */
export function tallyEvents(text, root = process.cwd()) {
  const tally = emptyTally();
  /** Per file: names by nesting, queued and finished counts per test, failures below each depth. */
  const files = new Map();
  const fileState = (file) => {
    let state = files.get(file);
    if (!state) {
      state = { stack: [], queued: new Map(), finished: new Map(), failedBelow: [], reportedOwn: false, failedWhole: false };
      files.set(file, state);
    }
    return state;
  };
  const shortFile = (file) => (file ? relative(root, file) : '(no file)');
  // An event's `file` is where its test() was called, which is a helper for tests made by one
  // (boundedTest in test/helpers/): the test file they ran in is the one whose run began last.
  // scripts/test.mjs runs one file at a time (--test-concurrency=1), so that is unambiguous.
  let running = '';

  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let event;
    try {
      event = JSON.parse(line);
    } catch {
      tally.failures.push({ name: '(test runner)', why: `unreadable event line: ${line.slice(0, 120)}` });
      continue;
    }
    const nesting = event.nesting ?? 0;
    // The runner's own entry for a whole file: named by its path, at the top.
    const wholeFile = nesting === 0 && event.name === event.file && Boolean(event.file);
    if (wholeFile && event.type === 'test:dequeue') running = event.file;
    if (event.type === 'test:dequeue') continue;
    const file = wholeFile ? event.file : running || (event.file ?? '');
    const state = fileState(file);
    const key = `${nesting}\0${event.name}`;

    if (event.type === 'test:enqueue') {
      if (!wholeFile) state.queued.set(key, (state.queued.get(key) ?? 0) + 1);
      continue;
    }
    if (event.type === 'test:start') {
      state.stack[nesting] = event.name;
      state.stack.length = nesting + 1;
      continue;
    }
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;

    const where = shortFile(file);
    if (wholeFile) {
      if (event.type === 'test:fail') {
        state.failedWhole = true;
        tally.failures.push({ name: where, why: `the file failed as a whole: ${event.details?.error?.message ?? 'test failed'} (it did not load, or its process exited with an error)` });
      } else {
        tally.failures.push({ name: where, why: 'the file reported no test: it exited before its tests ran, or defines none' });
      }
      continue;
    }

    state.reportedOwn = true;
    state.finished.set(key, (state.finished.get(key) ?? 0) + 1);
    const name = `${where}: ${[...state.stack.slice(0, nesting), event.name].join(' > ')}`;
    const suite = event.details?.type === 'suite';
    // Failures of this test's own subtests were counted already; a parent failing because of
    // them ("subtests failed", a suite whose test failed) is the same failure, not another.
    const failedBelow = state.failedBelow[nesting] ?? 0;
    state.failedBelow[nesting] = 0;

    if (event.todo !== undefined && event.todo !== false) {
      tally.skipped.push({ name, reason: `todo: ${reasonOf(event.todo, 'todo')}` });
    } else if (event.type === 'test:fail') {
      if (failedBelow === 0) {
        tally.failures.push({ name, why: event.details?.error?.message ?? 'failed' });
        for (let depth = 0; depth < nesting; depth++) state.failedBelow[depth] = (state.failedBelow[depth] ?? 0) + 1;
      }
    } else if (event.skip !== undefined && event.skip !== false) {
      tally.skipped.push({ name, reason: reasonOf(event.skip, 'skipped') });
    } else if (!suite) {
      tally.passed++;
    }
  }

  for (const [file, state] of files) {
    for (const [key, queued] of state.queued) {
      const missing = queued - (state.finished.get(key) ?? 0);
      if (missing <= 0 || state.failedWhole) continue;
      const name = key.split('\0')[1];
      for (let i = 0; i < missing; i++) {
        tally.failures.push({ name: `${shortFile(file)}: ${name}`, why: 'never finished: the file\'s process ended while it ran or before it (process.exit in a test?)' });
      }
    }
  }
  return tally;
}

/**
 * Skips are failures on CI: CI runs as root with every tool installed, so a skip there means a
 * test silently stopped testing. Returns a new tally.
 * @param {Tally} tally @returns {Tally}
 */
export function failSkipsOnCi(tally) {
  return {
    passed: tally.passed,
    failures: [...tally.failures, ...tally.skipped.map((s) => ({ name: s.name, why: `skipped on CI, where nothing may skip (${s.reason})` }))],
    skipped: [],
  };
}

/** Whether the CI variable says this is CI (CI systems set CI=true). */
export function onCi(env = process.env) {
  return Boolean(env.CI) && !/^(0|false|no)$/i.test(env.CI ?? '');
}

/** The summary's closing lines: skips and failures by name, then "N passed, N failed[, N skipped]". */
export function summaryLines(tally) {
  const lines = [];
  if (tally.skipped.length) {
    lines.push(`Skipped (${tally.skipped.length}):`);
    for (const s of tally.skipped) lines.push(`  - ${s.name}  [${s.reason}]`);
  }
  if (tally.failures.length) {
    lines.push(`Failed (${tally.failures.length}):`);
    for (const f of tally.failures) lines.push(`  - ${f.name}  [${f.why.split('\n')[0]}]`);
  }
  lines.push(`${tally.passed} passed, ${tally.failures.length} failed` + (tally.skipped.length ? `, ${tally.skipped.length} skipped` : ''));
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const files = process.argv.slice(2);
  if (!files.length) {
    console.error('usage: node scripts/testTally.mjs EVENTS.jsonl...');
    process.exit(2);
  }
  let tally = emptyTally();
  for (const file of files) addTally(tally, tallyEvents(readFileSync(file, 'utf8')));
  if (onCi()) tally = failSkipsOnCi(tally);
  for (const line of summaryLines(tally)) console.log(line);
  process.exit(tally.failures.length === 0 && tally.passed > 0 ? 0 : 1);
}
