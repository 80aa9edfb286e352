// The VS Code host test harness: `node out/test/vscode/harness/run.js --result FILE
// [--timeout MS] [--cache DIR]`.
// Installs (once, into .cache/vscode-host/) what it needs, starts code-server in its own process
// group, runs the mocha suite in out/test/vscode/suite/ inside its extension host through
// headless chromium, writes {"passed": N, "failed": N, "skipped": [title], "failures": [{name, why}]}
// to FILE and exits 0 only when all passed.
// Whatever happens, it ends the process group, any tmux server the suite left in its temp
// folder, and what it created under $HOME.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startCodeServer } from './codeServer';
import { HomeGuard } from './homeGuard';
import { ensureTools } from './tools';
import { runInWorkbench } from './workbench';
import { PAGE_BRIDGE_ENV, RESULT_ENV, SuiteResult, TMP_ENV } from '../suite/contract';

const root = resolve(__dirname, '../../../..');
const log = (line: string): void => console.log(`[vscode-host] ${line}`);

// Workbench chatter that says nothing about our tests (connection set-up, offline marketplace,
// AI features).
// The extension logs a failed command as "Guest Broadcast: WHAT failed: MESSAGE". A message meant
// for the user (any error but a programming fault such as a TypeError) is one line; a stack
// after it is a test log full of traces for errors the tests expect, which counts as a failure.
const STACKED_USER_ERROR = /^Guest Broadcast: [^\n]* failed: (?!(?:Type|Reference|Range|Syntax|Eval|URI)Error\b)[^\n]*\n\s+at /;
const stackedUserErrors: string[] = [];

const NOISE = /AgentHost|AccountPolicyGate|ChatModelSelection|ENOTFOUND|open-vsx|marketplace|Failed to fetch|ERR_NAME_NOT_RESOLVED|update\.code\.visualstudio|connection token|Creating a socket|reconnection-grace-time|builtin extensions cache|Service Worker|authentication provider/;

const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  // Terminals of one run must not come back in the next.
  'terminal.integrated.enablePersistentSessions': false,
  // The suite stops broadcasts unattended, often with guests watching: no modal question (the
  // test of that question turns it on for itself).
  'guestBroadcast.confirmStop': false,
};

/** tmux servers the suite started under `dir` (sockets), ended if a failed test left them. */
function endTmuxServersUnder(dir: string): void {
  const walk = (d: string, depth: number): string[] => {
    if (depth > 4 || !existsSync(d)) return [];
    return readdirSync(d).flatMap((name) => {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) return [];
      if (st.isSocket()) return [p];
      return st.isDirectory() ? walk(p, depth + 1) : [];
    });
  };
  for (const socket of walk(dir, 0)) {
    try {
      execFileSync('tmux', ['-S', socket, 'kill-server'], { stdio: 'ignore', timeout: 5000 });
      log(`ended a tmux server left on ${socket}`);
    } catch {
      // not a tmux socket, or no server behind it
    }
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const { values } = parseArgs({ options: { result: { type: 'string' }, timeout: { type: 'string' }, cache: { type: 'string' } } });
  const resultFile = values.result ? resolve(values.result) : undefined;
  const timeoutMs = Number(values.timeout ?? process.env.GB_VSCODE_TIMEOUT_MS ?? 240_000);
  // --cache / GB_VSCODE_CACHE: another place for the installed tools (e.g. a CI cache folder).
  const cacheDir = resolve(values.cache ?? process.env.GB_VSCODE_CACHE ?? join(root, '.cache', 'vscode-host'));
  const testsEntry = join(root, 'out', 'test', 'vscode', 'suite', 'index.js');
  const homeGuard = new HomeGuard();
  const tmp = mkdtempSync(join(tmpdir(), 'gb-vscode-'));
  const suiteResultFile = join(tmp, 'suite-result.json');
  const bridgeDir = join(tmp, 'page-bridge');
  let result: SuiteResult = { passed: 0, failed: 0, pending: [], failures: [] };
  // What went wrong around the tests (no result, a timeout, a crash): one failure of its own.
  let harnessProblem: string | undefined;
  let stopServer: (() => Promise<void>) | undefined;

  const cleanup = async (): Promise<void> => {
    await stopServer?.();
    stopServer = undefined;
    endTmuxServersUnder(tmp);
    rmSync(tmp, { recursive: true, force: true });
    homeGuard.cleanup(log);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(1));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    if (!existsSync(join(root, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run "node esbuild.mjs" first.');
    if (!existsSync(testsEntry)) throw new Error(`${testsEntry} is missing: run "npx tsc -p ." first.`);
    const tools = ensureTools(cacheDir);
    log(`tools ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const folder = join(tmp, 'workspace');
    mkdirSync(folder);
    // code-server and chromium get a home of their own, so nothing of this run lands in the
    // user's (~/.local/share/code-server, ~/.config/chromium, ~/.ssh of the guests' ssh).
    const home = join(tmp, 'home');
    mkdirSync(home, { mode: 0o700 });
    const xdg = { HOME: home, XDG_DATA_HOME: join(home, '.local/share'), XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') };
    const server = await startCodeServer(tools, {
      dir: join(tmp, 'code-server'),
      // A socket nobody uses: the extension's start-up look for a running broadcast (and any
      // Stop a test sends with nothing running) must never reach a real one on this machine.
      settings: { ...SETTINGS, 'guestBroadcast.socketPath': join(tmp, 'unused', 'guest') },
      env: { ...xdg, [RESULT_ENV]: suiteResultFile, [TMP_ENV]: tmp, [PAGE_BRIDGE_ENV]: bridgeDir, TMUX: undefined, TMUX_PANE: undefined },
    });
    stopServer = server.stop;
    log(`code-server on ${server.url} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const outcome = await runInWorkbench({
      serverUrl: server.url,
      authority: server.authority,
      extensionDir: root,
      testsEntry,
      folder,
      chromium: tools.chromium,
      env: { ...process.env, ...xdg },
      timeoutMs,
      // Screenshots outlive the temp folder: they are what a failed run leaves to look at.
      bridge: { dir: bridgeDir, screenshotDir: join(root, 'out', 'test-results', 'vscode-screenshots'), log },
      onLog: (line) => {
        if (STACKED_USER_ERROR.test(line)) stackedUserErrors.push(line.split('\n')[0]);
        if (!NOISE.test(line)) console.log(line);
      },
    });
    if (existsSync(suiteResultFile)) result = JSON.parse(readFileSync(suiteResultFile, 'utf8')) as SuiteResult;
    if (stackedUserErrors.length) {
      log(`${stackedUserErrors.length} error(s) meant for the user were logged with a stack (src/errorReport.ts logs them as one line):\n  ${stackedUserErrors.join('\n  ')}`);
      result.failed += 1;
    }
    if (outcome.kind === 'timeout') {
      log(`the suite did not finish within ${timeoutMs / 1000} s; code-server's log: ${server.logFile}`);
      console.log(readFileSync(server.logFile, 'utf8').slice(-3000));
      harnessProblem = `the suite did not finish within ${timeoutMs / 1000} s`;
    } else if (outcome.kind === 'crash') {
      log(outcome.message);
      harnessProblem = outcome.message;
    } else if (outcome.code !== 0 && result.failed === 0) {
      harnessProblem = `the extension host reported exit code ${outcome.code}`;
      log(harnessProblem);
    } else if (!existsSync(suiteResultFile)) {
      harnessProblem = 'the suite wrote no result (did run() start?)';
      log(harnessProblem);
    }
  } catch (error) {
    harnessProblem = error instanceof Error ? error.message : String(error);
    log(`error: ${harnessProblem}`);
  } finally {
    await cleanup();
  }

  // What scripts/test.mjs reads: every failure and skip by name, so none vanishes from the totals.
  const failures = result.failures.map((f) => ({ name: f.title, why: f.error.split('\n')[0] }));
  if (harnessProblem) failures.push({ name: '(harness)', why: harnessProblem });
  const summary = { passed: result.passed, failed: failures.length, skipped: result.pending, failures };
  if (resultFile) {
    mkdirSync(dirname(resultFile), { recursive: true });
    writeFileSync(resultFile, JSON.stringify(summary) + '\n');
  }
  for (const title of summary.skipped) log(`skipped: ${title}`);
  log(`${summary.passed} passed, ${summary.failed} failed` + (summary.skipped.length ? `, ${summary.skipped.length} skipped` : '') + ` in VS Code (${((Date.now() - started) / 1000).toFixed(1)} s wall)`);
  return summary.failed === 0 && summary.passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
