// The suite's entry inside VS Code's extension host, in @vscode/test-electron's shape: VS Code
// calls run() and treats a rejection as failure. Under the project's harness it also writes the
// counts where the harness reads them.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { RESULT_ENV, SuiteResult } from './contract';

export function run(): Promise<void> {
  // GUEST_BROADCAST_VSCODE_GREP runs only the tests whose full title matches (while working on one).
  const grep = process.env.GUEST_BROADCAST_VSCODE_GREP;
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 30_000, ...(grep ? { grep } : {}) });
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    const result: SuiteResult = { passed: 0, failed: 0, pending: [], failures: [] };
    const runner = mocha.run((failures) => {
      const out = process.env[RESULT_ENV];
      if (out) writeFileSync(out, JSON.stringify(result));
      if (failures > 0) reject(new Error(`${failures} VS Code host test(s) failed.`));
      else resolve();
    });
    runner.on('pass', () => result.passed++);
    // Named, so the summary can say which test stopped testing (a this.skip() is otherwise silent).
    runner.on('pending', (test) => result.pending.push(test.titlePath().join(' > ')));
    runner.on('fail', (test, error: Error) => {
      result.failed++;
      result.failures.push({ title: test.titlePath().join(' > '), error: error?.stack ?? String(error) });
    });
  });
}
