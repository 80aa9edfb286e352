// Run in a fresh node process by test/integration/extensionLoad.test.ts: loads a bundle with the
// bench's stand-in `vscode` module, runs activate(), and prints one JSON line naming every file
// and every Node module that loading and activating it brought in.
//
// argv[2]: the bundle; argv[3]: the extension's folder; argv[4]: a temp folder for its storage;
// argv[5], optional: a command to run after activate(), whose own loads are listed apart.
import { createContextStandIn, installVscodeStandIn } from '../../bench/extension/vscodeStandIn';

/** process.moduleLoadList: Node's own modules loaded so far ("NativeModule net", ...). */
type WithLoadList = NodeJS.Process & { moduleLoadList: string[] };

const STAND_IN_ID = '/__test_vscode_stand_in__.js';

async function main(): Promise<void> {
  const [bundle, extensionPath, storageDir, command] = process.argv.slice(2);
  installVscodeStandIn(storageDir, STAND_IN_ID);
  // The commands activate() registers, to run one as VS Code would.
  const handlers = new Map<string, (...args: unknown[]) => unknown>();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vscode = require('vscode') as { commands: { registerCommand: unknown }; window: { showErrorMessage: unknown } };
  vscode.commands.registerCommand = (id: string, handler: (...args: unknown[]) => unknown) => {
    handlers.set(id, handler);
    return { dispose: () => handlers.delete(id) };
  };
  // A command reports its failure to the user (hostParts.ts reportingErrors), not to its caller.
  const errorMessages: string[] = [];
  vscode.window.showErrorMessage = async (message: string) => void errorMessages.push(message);

  const files = new Set(Object.keys(require.cache));
  const builtins = new Set((process as WithLoadList).moduleLoadList);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ext = require(bundle) as { activate(ctx: unknown): unknown };
  await ext.activate(createContextStandIn(extensionPath, storageDir));
  // activate() starts a look for a running broadcast without awaiting it; with no socket file
  // (the test's own runtime folder) it is done within this turn of the event loop.
  await new Promise((r) => setImmediate(r));
  const loadedFiles = Object.keys(require.cache).filter((f) => !files.has(f) && f !== bundle);
  const loadedBuiltins = (process as WithLoadList).moduleLoadList
    .filter((m) => !builtins.has(m) && m.startsWith('NativeModule ') && !m.startsWith('NativeModule internal/'))
    .map((m) => m.slice('NativeModule '.length));
  let commandLoaded: string[] | undefined;
  let commandError: string | undefined;
  if (command) {
    const handler = handlers.get(command);
    try {
      if (!handler) throw new Error(`activate() registered no command ${command}`);
      await handler();
    } catch (error) {
      commandError = error instanceof Error ? error.message : String(error);
    }
    commandError ??= errorMessages[0];
    commandLoaded = Object.keys(require.cache).filter((f) => !files.has(f) && f !== bundle && !loadedFiles.includes(f));
  }
  // Written before anything else uses stdout (a pipe loads `net`).
  process.stdout.write(JSON.stringify({ loadedFiles, loadedBuiltins, commands: [...handlers.keys()], commandLoaded, commandError }) + '\n');
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stdout.write(JSON.stringify({ error: error instanceof Error ? error.stack : String(error) }) + '\n');
  process.exit(1);
});
