// VS Code starts the extension at every window start, so dist/extension.js must not load what
// only a command needs: ssh2, the headless terminal, ssh-config (bundled apart under dist/lazy/)
// and Node's child_process, crypto and net. scripts/lazyModules.mjs makes those imports lazy;
// these tests fail when an import slips past it or a module reads one while it loads. The
// extension's own code for commands, panels and a running broadcast is in chunks
// (dist/extension-*.js, scripts/extensionChunks.mjs) that activation must not load either.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');
const BUNDLE = join(ROOT, 'dist', 'extension.js');
const PROBE = join(__dirname, '..', 'helpers', 'extensionLoadProbe.js');
// scripts/lazyModules.mjs is an ES module: tsc would turn import() into require().
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

interface LazyModules {
  LAZY_PACKAGES: Record<string, string>;
  LAZY_BUILTINS: string[];
  lazyModulesPlugin(root: string): import('esbuild').Plugin;
  lazyPackageBuilds(common: import('esbuild').BuildOptions, root: string): import('esbuild').BuildOptions[];
}
const lazyModules = () => importModule(join(ROOT, 'scripts', 'lazyModules.mjs')) as Promise<LazyModules>;

const dir = mkdtempSync(join(tmpdir(), 'gb-extload-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** dist/extension.js and its chunks (dist/extension-*.js). */
const extensionFiles = () => readdirSync(join(ROOT, 'dist')).filter((f) => /^extension(-.+)?\.js$/.test(f));

interface ProbeAnswer {
  loadedFiles: string[];
  loadedBuiltins: string[];
  commands: string[];
  commandLoaded?: string[];
  commandError?: string;
  error?: string;
}

/** Loads the bundle and runs activate() in a fresh node process, then `command` if given. */
function probe(command?: string): ProbeAnswer {
  const home = join(dir, 'home');
  mkdirSync(join(home, 'runtime'), { recursive: true, mode: 0o700 });
  const out = execFileSync(process.execPath, [PROBE, BUNDLE, ROOT, join(home, 'storage'), ...(command ? [command] : [])], {
    encoding: 'utf8',
    timeout: 30_000,
    // A throwaway HOME and runtime folder: no broadcast to adopt, nothing of the real ~/.ssh.
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_RUNTIME_DIR: join(home, 'runtime') },
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '') as ProbeAnswer;
}

test('dist/extension.js bundles no npm package: each is a dist/lazy/ bundle of its own', async () => {
  const { LAZY_PACKAGES } = await lazyModules();
  // Every input of the bundle and its chunks, as their source maps list them: our src/, and the
  // build's own small modules (the lazy stand-ins, vscode-once, the chunks' glue). A package's
  // files show up by their path in node_modules, or by the names of their own source map
  // (webpack://SerializeAddon/...).
  for (const file of extensionFiles()) {
    // A chunk that is inside dist/extension.js is a stub of two lines there, without a map.
    if (!readFileSync(join(ROOT, 'dist', file), 'utf8').includes('//# sourceMappingURL=')) continue;
    const map = JSON.parse(readFileSync(join(ROOT, 'dist', `${file}.map`), 'utf8')) as { sources: string[] };
    const foreign = map.sources.filter((s) => !s.startsWith('../src/') && !/^(lazy-module|vscode-once|chunk):/.test(s));
    assert.deepEqual(foreign, [], `these files of npm packages are inside dist/${file}: add their package to LAZY_PACKAGES in scripts/lazyModules.mjs`);
  }
  for (const [name, bundle] of Object.entries(LAZY_PACKAGES)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const real = require(name) as Record<string, unknown>;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bundled = require(join(ROOT, 'dist', bundle)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(bundled).sort(), Object.keys(real).sort(), `dist/${bundle} exports what ${name} does`);
  }
});

test('loading dist/extension.js and running activate() loads no lazy module', async () => {
  const { LAZY_PACKAGES, LAZY_BUILTINS } = await lazyModules();
  const answer = probe();
  assert.equal(answer.error, undefined);
  // Neither a dist/lazy/ bundle nor a chunk of the extension (dist/extension-*.js).
  assert.deepEqual(answer.loadedFiles.map((f) => relative(ROOT, f)), [], 'files loaded at activation');
  const eager = answer.loadedBuiltins.filter((m) => LAZY_BUILTINS.includes(`node:${m}`));
  assert.deepEqual(eager, [], 'Node modules loaded at activation');
  // The bundles exist where the stand-ins look for them (relative to dist/extension.js).
  for (const bundle of Object.values(LAZY_PACKAGES)) readFileSync(join(ROOT, 'dist', bundle));
});

test('dist/extension.js holds none of the code that only a command, a viewer panel or a running broadcast needs', () => {
  // What activation needs is bundled into dist/extension.js; each of these modules must be behind
  // an import() (a chunk of its own), or one static import pulls it into every window start.
  const lazy = [
    'src/ui/commands/',
    'src/host/broadcast.ts',
    'src/host/routes/',
    'src/host/fanout/',
    'src/host/stopOtherBroadcast.ts',
    'src/host/statusReader.ts',
    'src/host/embedded/index.ts',
    'src/tmux/tmux.ts',
    'src/ui/watcher/watcherRuntime.ts',
    'src/ui/watcher/watcherRegistry.ts',
    'src/ui/watcher/watcherPanel.ts',
    'src/ui/watcher/watchHostCommand.ts',
    'src/ui/hosts/hostCommands.ts',
    'src/watcher/index.ts',
    'src/watcher/watchSession.ts',
    'src/watcher/resolveTarget.ts',
    'src/watcher/sshConfig.ts',
  ];
  const map = JSON.parse(readFileSync(`${BUNDLE}.map`, 'utf8')) as { sources: string[] };
  const sources = map.sources.map((s) => s.replace(/^\.\.\//, ''));
  assert.ok(sources.includes('src/extension.ts'), 'the source map lists src/extension.ts');
  assert.deepEqual(sources.filter((s) => lazy.some((l) => s.startsWith(l))), [], 'modules inside dist/extension.js that activation does not need');
});

test("a command's first run loads its chunk, which finds the modules activation loaded", () => {
  const chunks = (files: string[] | undefined) => (files ?? []).map((f) => relative(ROOT, f)).filter((f) => f.startsWith('dist/extension-'));
  // A host command, and a hosts-view command (which loads the watcher's registry): each loads
  // its own chunks, and those reach the modules inside dist/extension.js (settings, the saved
  // hosts) through stubs instead of a second copy.
  // The curtain's and the recording's commands too (with nothing running they offer a start).
  for (const [command, chunk] of [
    ['guestBroadcast.copyWatchCommand', /^dist\/extension-copyWatchCommand-\w+\.js$/],
    ['guestBroadcast.hosts.refresh', /^dist\/extension-watcherRuntime-\w+\.js$/],
    ['guestBroadcast.pause', /^dist\/extension-curtain-\w+\.js$/],
    ['guestBroadcast.startRecording', /^dist\/extension-recording-\w+\.js$/],
  ] as const) {
    const answer = probe(command);
    assert.equal(answer.error, undefined);
    assert.deepEqual(chunks(answer.loadedFiles), [], 'chunks loaded at activation');
    assert.equal(answer.commandError, undefined, `${command} failed`);
    assert.ok(chunks(answer.commandLoaded).some((f) => chunk.test(f)), `${command} loaded ${chunks(answer.commandLoaded).join(', ') || 'no chunk'}`);
  }
});

test('a lazy import works as the real one from the first use on', async () => {
  const { lazyModulesPlugin, lazyPackageBuilds } = await lazyModules();
  const esbuild = await import('esbuild');
  // Under the project, as dist/ is, so the bundles find node_modules the same way.
  const out = join(ROOT, 'out', 'lazy-probe');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  try {
    const entry = join(out, 'entry.ts');
    writeFileSync(entry, [
      "import { execFileSync } from 'node:child_process';",
      "import { createHash } from 'node:crypto';",
      "import { isIP } from 'node:net';",
      "import { utils } from 'ssh2';",
      "import { Terminal } from '@xterm/headless';",
      "import { SerializeAddon } from '@xterm/addon-serialize';",
      "import SSHConfig from 'ssh-config';",
      `const loaded = () => Object.keys(require.cache).filter((f) => f.startsWith(${JSON.stringify(join(out, 'lazy') + '/')})).length;`,
      'export async function run() {',
      '  const before = loaded();',
      "  const key = utils.generateKeyPairSync('ed25519');",
      '  const parsed = utils.parseKey(key.private);',
      '  const term = new Terminal({ cols: 20, rows: 2, allowProposedApi: true });',
      '  const serialize = new SerializeAddon();',
      '  term.loadAddon(serialize);',
      "  await new Promise<void>((r) => term.write('lazy', r));",
      '  return {',
      '    before,',
      "    keyType: parsed instanceof Error ? parsed.message : parsed.type,",
      '    line: term.buffer.active.getLine(0)?.translateToString(true),',
      '    serialized: serialize.serialize(),',
      "    host: SSHConfig.parse('Host a\\n  HostName b\\n').compute('a').HostName,",
      "    echo: execFileSync('echo', ['hi'], { encoding: 'utf8' }).trim(),",
      "    hash: createHash('sha256').update('').digest('hex').slice(0, 8),",
      "    ip: isIP('127.0.0.1'),",
      '    after: loaded(),',
      '  };',
      '}',
    ].join('\n'));
    const { nodeExternal, ssh2NativeCrypto } = (await importModule(join(ROOT, 'esbuild.mjs'))) as { nodeExternal: string[]; ssh2NativeCrypto: import('esbuild').Plugin };
    // As esbuild.mjs builds dist/extension.js and dist/lazy/.
    const common: import('esbuild').BuildOptions = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent', external: nodeExternal, plugins: [ssh2NativeCrypto] };
    await esbuild.build({ ...common, entryPoints: [entry], outfile: join(out, 'probe.js'), plugins: [ssh2NativeCrypto, lazyModulesPlugin(ROOT)] });
    for (const options of lazyPackageBuilds(common, ROOT)) await esbuild.build({ ...options, outfile: join(out, String(options.outfile).replace(/^dist\//, '')) });
    const script = `require(${JSON.stringify(join(out, 'probe.js'))}).run().then((r) => console.log(JSON.stringify(r)));`;
    const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 })) as Record<string, unknown>;
    assert.deepEqual(result, {
      before: 0,
      keyType: 'ssh-ed25519',
      line: 'lazy',
      serialized: 'lazy',
      host: 'b',
      echo: 'hi',
      hash: 'e3b0c442',
      ip: 4,
      after: 4,
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
