// Bundles the bench's host process with the same settings as dist/cli.js (node-pty and ssh2's
// optional native crypto stay external), so the embedded route runs as users run it.
// `npm run bench` runs this after the project build and the tsc compile.
import * as esbuild from 'esbuild';
import { nodeExternal, ssh2NativeCrypto } from '../esbuild.mjs';

process.chdir(new URL('..', import.meta.url).pathname);
await esbuild.build({
  bundle: true,
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: nodeExternal,
  plugins: [ssh2NativeCrypto],
  entryPoints: { hostProcess: 'bench/host/hostProcess.ts' },
  outdir: 'out/bench-host',
});
