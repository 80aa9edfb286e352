// Opens the code-server workbench in headless Debian chromium with a test payload: VS Code then
// loads the extension under development and calls the test entry's run() in its extension host.
// The smoke-test driver reports the run's outcome through window.codeAutomationExit(code).
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import { PageBridge, servePageBridge } from './pageBridge';

export interface WorkbenchRun {
  serverUrl: string;
  authority: string;
  extensionDir: string;
  testsEntry: string;
  folder: string;
  chromium: string;
  /** Environment for chromium (its profile and cache folders go to the run's temp folder). */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** The page bridge's folder (the suite gets it through PAGE_BRIDGE_ENV) and where its screenshots go. */
  bridge?: { dir: string; screenshotDir: string; log(line: string): void };
  /** Every log line the workbench forwards from the extension host's test run. */
  onLog(line: string): void;
}

export type WorkbenchOutcome = { kind: 'exit'; code: number } | { kind: 'timeout' } | { kind: 'crash'; message: string };

export async function runInWorkbench(run: WorkbenchRun): Promise<WorkbenchOutcome> {
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', `vscode-remote://${run.authority}${run.extensionDir}`],
    ['extensionTestsPath', `vscode-remote://${run.authority}${run.testsEntry}`],
  ]);
  const url = `${run.serverUrl}/?folder=${encodeURIComponent(run.folder)}&payload=${encodeURIComponent(payload)}`;
  const browser = await chromium.launch({
    executablePath: run.chromium,
    headless: true,
    env: run.env,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  let bridge: PageBridge | undefined;
  try {
    // Clipboard access lets the suite check "Copy watch command" for real.
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    let timer: NodeJS.Timeout | undefined;
    const outcome = new Promise<WorkbenchOutcome>((resolve) => {
      void page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
        // The workbench forwards console calls as (format, ...values), as mocha's reporter makes them.
        run.onLog(format(...(Array.isArray(args) ? args : [args])));
      });
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve({ kind: 'exit', code: Number(code) }));
      page.on('crash', () => resolve({ kind: 'crash', message: 'the workbench page crashed' }));
      timer = setTimeout(() => resolve({ kind: 'timeout' }), run.timeoutMs);
    });
    if (run.bridge) bridge = servePageBridge(page, run.bridge.dir, run.bridge.screenshotDir, run.bridge.log);
    await page.goto(url);
    const result = await outcome;
    clearTimeout(timer);
    return result;
  } finally {
    await bridge?.stop();
    await browser.close().catch(() => undefined);
  }
}
