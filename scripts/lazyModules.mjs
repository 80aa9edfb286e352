// What dist/extension.js loads only when a command first uses it, instead of when VS Code starts
// the extension (it does at every window start, `onStartupFinished`): the heavy npm packages
// (ssh2, the headless terminal, ssh-config) and the Node modules Node does not load on its own
// (child_process, crypto, net).
//
// Each package is bundled alone as dist/lazy/<name>.js. In dist/extension.js an import of a lazy
// module resolves to a small stand-in whose exports are getters: the first read of one
// (new Client(), utils.parseKey(...), execFile(...)) require()s the real module. esbuild reads
// an imported name where it is used (`import_ssh2.Client`), not at the import, so the source
// imports these modules as usual and runs unchanged under tsc and plain Node. A lazy module read
// while a module is only being loaded (a top-level `class X extends Terminal`, a top-level
// `promisify(execFile)`) loads it at activation again: test/integration/extensionLoad.test.ts
// fails then.
import { createRequire } from 'node:module';

/** npm packages, and each one's bundle under dist/. */
export const LAZY_PACKAGES = {
  ssh2: 'lazy/ssh2.js',
  '@xterm/headless': 'lazy/xterm-headless.js',
  '@xterm/addon-serialize': 'lazy/xterm-addon-serialize.js',
  'ssh-config': 'lazy/ssh-config.js',
  // The browser route's WebSocket server: loaded when a broadcast with guestBroadcast.web starts.
  ws: 'lazy/ws.js',
  // The relay route's NATS client: loaded when a broadcast with a relay starts. Each bundle holds
  // its own copy of @nats-io/nats-core (the KV client talks to the connection only through its
  // methods). The route imports them through src/host/relay/natsClient.ts (see why there).
  '@nats-io/transport-node': 'lazy/nats-transport-node.js',
  '@nats-io/kv': 'lazy/nats-kv.js',
};

/** Node's own modules that a fresh Node process has not loaded yet (fs, path, os... it has). */
export const LAZY_BUILTINS = ['node:child_process', 'node:crypto', 'node:net'];

const NAMESPACE = 'lazy-module';

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The stand-in for `name`, loading it with `require(target)`: one getter per export of the real
 * module, whose names are read from the module itself at build time.
 */
function standInSource(name, target, requireFromRoot) {
  const real = requireFromRoot(name);
  const keys = Object.keys(real).filter((k) => k !== '__esModule');
  const lines = [
    `let loaded;`,
    `const load = () => (loaded ??= require(${JSON.stringify(target)}));`,
    `Object.defineProperty(exports, '__esModule', { value: true });`,
  ];
  for (const key of keys) lines.push(`Object.defineProperty(exports, ${JSON.stringify(key)}, { enumerable: true, get: () => load()[${JSON.stringify(key)}] });`);
  // A CommonJS module without __esModule: its default import is the whole module.
  if (!real.__esModule && !keys.includes('default')) lines.push(`Object.defineProperty(exports, 'default', { enumerable: true, get: () => load() });`);
  return lines.join('\n') + '\n';
}

/** The esbuild plugin for dist/extension.js: each lazy module's import gets its stand-in. */
export function lazyModulesPlugin(root) {
  const requireFromRoot = createRequire(`${root}/package.json`);
  const targets = new Map([
    ...Object.entries(LAZY_PACKAGES).map(([name, bundle]) => [name, `./${bundle}`]),
    ...LAZY_BUILTINS.map((name) => [name, name]),
  ]);
  const filter = new RegExp(`^(${[...targets.keys()].map(escapeRegExp).join('|')})$`);
  return {
    name: 'lazy-modules',
    setup(build) {
      // The stand-in's own require() stays a require: of the bundle, relative to
      // dist/extension.js, or of Node's module.
      build.onResolve({ filter: /.*/, namespace: NAMESPACE }, (args) => ({ path: args.path, external: true }));
      build.onResolve({ filter }, (args) => ({ path: args.path, namespace: NAMESPACE }));
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: standInSource(args.path, targets.get(args.path), requireFromRoot),
        loader: 'js',
      }));
    },
  };
}

/** One esbuild build per package: `common` plus the package as the only entry. */
export function lazyPackageBuilds(common, root) {
  return Object.entries(LAZY_PACKAGES).map(([name, bundle]) => ({
    ...common,
    stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: root, sourcefile: `${name} (lazy)`, loader: 'js' },
    outfile: `dist/${bundle}`,
  }));
}

/**
 * `import * as vscode from 'vscode'` in each of the extension's ~25 modules made esbuild copy
 * the whole vscode API object into a namespace object once per module at load. Routed through
 * one module here, it is copied once.
 */
export const vscodeOncePlugin = {
  name: 'vscode-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' }));
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ contents: `export * from 'vscode';\n`, loader: 'js' }));
  },
};
