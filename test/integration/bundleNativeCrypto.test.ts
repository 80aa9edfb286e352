// The bundles (dist/cli.js, the bench's host) load ssh2's native ciphers from node_modules when
// they are there: bundled as is, ssh2's relative require of them failed and every packet to every
// viewer went through the pure-JS fallback. Built here with the project's own esbuild plugin.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');
// esbuild.mjs is an ES module with top-level await: tsc would turn import() into require().
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
const BINDING = join(ROOT, 'node_modules', 'ssh2', 'lib', 'protocol', 'crypto', 'build', 'Release', 'sshcrypto.node');

test('a bundle built like dist/cli.js uses ssh2\'s native ciphers from node_modules', { skip: existsSync(BINDING) ? false : 'ssh2 built without its native ciphers here (no compiler at npm ci)' }, async () => {
  // In a folder under the project, as dist/ is, so node finds node_modules the same way.
  const dir = join(ROOT, 'out', 'bundle-probe');
  mkdirSync(dir, { recursive: true });
  try {
    const entry = join(dir, 'entry.js');
    writeFileSync(entry, "console.log(JSON.stringify({ native: require('ssh2/lib/protocol/crypto.js').bindingAvailable }));\n");
    const { ssh2NativeCrypto, nodeExternal } = (await importModule(join(ROOT, 'esbuild.mjs'))) as { ssh2NativeCrypto: unknown; nodeExternal: string[] };
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent',
      outfile: join(dir, 'bundle.js'), external: nodeExternal, plugins: [ssh2NativeCrypto as import('esbuild').Plugin],
    });
    const out = JSON.parse(execFileSync(process.execPath, [join(dir, 'bundle.js')], { encoding: 'utf8' })) as { native: boolean };
    assert.equal(out.native, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
