// A command whose code is loaded when it first runs. VS Code starts the extension at every window
// start, and most commands are never used in a given window: activate() registers each with
// this stub, and the stub's first call loads the command's module (`await import(...)`, its own
// chunk of dist/extension-*.js; see scripts/extensionChunks.mjs) and builds the command.
// test/integration/extensionLoad.test.ts fails if activation loads one of these chunks.

/**
 * `load` imports the module and builds the command from it; it runs once, on the first call.
 * A failed load (a chunk missing from a broken install) rejects that call and is tried again
 * on the next one.
 */
export function lazyCommand<A extends unknown[], R>(load: () => Promise<(...args: A) => Promise<R>>): (...args: A) => Promise<R> {
  let loading: Promise<(...args: A) => Promise<R>> | undefined;
  return async (...args: A) => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return (await loading)(...args);
  };
}
