// Bundles the bench's host process with the same settings as dist/cli.js (node-pty and ssh2's
// optional native crypto stay external), so the embedded route runs as users run it.
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
