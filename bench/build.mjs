// Bundles the bench's host process twice: as dist/cli.js is bundled (node-pty external, ssh2's
// native ciphers loaded from node_modules), and without those ciphers, as VS Code runs it.
// `npm run bench` runs this after the project build and the tsc compile.
import * as esbuild from 'esbuild';
import { nodeExternal, ssh2NativeCrypto } from '../esbuild.mjs';

process.chdir(new URL('..', import.meta.url).pathname);
const common = {
  bundle: true,
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outdir: 'out/bench-host',
};
// Like dist/cli.js: ssh2's native ciphers from node_modules.
await esbuild.build({ ...common, external: nodeExternal, plugins: [ssh2NativeCrypto], entryPoints: { hostProcess: 'bench/host/hostProcess.ts' } });
// Like the extension in VS Code, where they cannot load (`--ciphers js`): ssh2's pure-JS ciphers.
await esbuild.build({
  ...common,
  external: [...nodeExternal, './crypto/build/Release/sshcrypto.node'],
  entryPoints: { 'hostProcess-jsciphers': 'bench/host/hostProcess.ts' },
});
