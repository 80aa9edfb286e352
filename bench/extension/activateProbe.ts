// Run in a fresh node process by the extension scenario: loads dist/extension.js with the
// stand-in `vscode` module (vscodeStandIn.ts) placed in require's cache for this process only,
// then times require() and activate(). Prints one JSON line.
//
// argv[2]: the bundle; argv[3]: the extension's folder; argv[4]: a temp folder for its storage.
import { performance } from 'node:perf_hooks';
import { createContextStandIn, installVscodeStandIn } from './vscodeStandIn';


const STAND_IN_ID = '/__bench_vscode_stand_in__.js';

async function main(): Promise<void> {
  const [bundle, extensionPath, storageDir] = process.argv.slice(2);
  installVscodeStandIn(storageDir, STAND_IN_ID);

  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ext = require(bundle) as { activate?: (ctx: unknown) => unknown; deactivate?: () => unknown };
  const t1 = performance.now();
  if (typeof ext.activate !== 'function') throw new Error(`${bundle} exports no activate()`);
  const context = createContextStandIn(extensionPath, storageDir);
  await ext.activate(context);
  const t2 = performance.now();
  await ext.deactivate?.();
  for (const d of (context.subscriptions as { dispose(): unknown }[]).reverse()) {
    try {
      d.dispose();
    } catch {
      // disposing inert objects
    }
  }
  process.stdout.write(JSON.stringify({ ok: true, requireMs: t1 - t0, activateMs: t2 - t1 }) + '\n');
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stdout.write(JSON.stringify({ ok: false, error: error instanceof Error ? error.message : String(error) }) + '\n');
  process.exit(1);
});
