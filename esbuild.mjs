// Bundles the extension, the CLI and the webview script.
// node-pty is native and must come from VS Code's own copy (or node_modules for the CLI), so it
// stays external and is loaded lazily; ssh2's optional native speed-ups (cpu-features, sshcrypto)
// stay out too: ssh2 falls back to pure JS when they are missing.
import * as esbuild from 'esbuild';
import { chmodSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { extensionChunksBuild } from './scripts/extensionChunks.mjs';
import { lazyModulesPlugin, lazyPackageBuilds, vscodeOncePlugin } from './scripts/lazyModules.mjs';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
};
// Exported so bench/build.mjs bundles the bench's host exactly as dist/cli.js is bundled.
export const nodeExternal = ['vscode', 'node-pty', 'cpu-features'];

// ssh2 loads its native ciphers with a path relative to its own file, which no longer exists
// once bundled, so it silently fell back to pure JS: a new OpenSSL cipher and four socket writes
// for every packet to every viewer. Pointing the require at the package keeps the native
// ciphers wherever node_modules has them (the CLI, npm start); in the packaged extension, and
// in VS Code's Electron (another ABI), the require fails and ssh2 still falls back to JS.
export const ssh2NativeCrypto = {
  name: 'ssh2-native-crypto',
  setup(build) {
    build.onResolve({ filter: /\/sshcrypto\.node$/ }, () => ({ path: 'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node', external: true }));
  },
};

const root = fileURLToPath(new URL('.', import.meta.url));
const nodeCjs = { ...common, platform: 'node', target: 'node20', format: 'cjs', external: nodeExternal, plugins: [ssh2NativeCrypto] };
const builds = [
  // VS Code loads this at every window start: its heavy packages (ssh2, the headless terminal)
  // are separate bundles under dist/lazy/, and what only a command, a panel or a start needs is
  // in chunks of its own (dist/extension-*.js), each loaded when first used.
  extensionChunksBuild({ ...nodeCjs, plugins: [ssh2NativeCrypto, lazyModulesPlugin(root), vscodeOncePlugin], entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist' }),
  ...lazyPackageBuilds(nodeCjs, root),
  { ...common, platform: 'node', target: 'node20', format: 'cjs', external: nodeExternal, plugins: [ssh2NativeCrypto],
    entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
];
if (existsSync('media/viewer.ts')) {
  builds.push({ ...common, platform: 'browser', target: 'es2022', format: 'iife',
    entryPoints: { viewer: 'media/viewer.ts' }, outdir: 'dist/media',
    loader: { '.css': 'css' } });
}

// Build only when run (`node esbuild.mjs`), not when imported for nodeExternal.
const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
for (const options of isMain ? builds : []) {
  if (options.entryPoints && !existsSync(Object.values(options.entryPoints)[0])) continue;
  if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  } else {
    await esbuild.build(options);
  }
}
// dist/cli.js is the package's "bin": executable, so a symlink to it on PATH runs it.
if (isMain && !watch && existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
