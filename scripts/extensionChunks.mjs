// dist/extension.js in chunks: what activate() needs, and one chunk per feature that a command
// (or a panel, or a start) loads with `await import(...)` when it first runs.
//
// esbuild splits code into chunks only for ES modules, and VS Code (engines ^1.90) loads an
// extension with require(). So the extension is built twice over: once as split ES modules, in
// memory, then each chunk alone into CommonJS, where an import of another chunk becomes a
// require() of it and an `import()` becomes a require() on first use
// (`supported: { 'dynamic-import': false }`). Code that two chunks share sits in a chunk of its
// own that both require, so every module exists once at run time (one class for `instanceof`,
// one copy of any state). The source maps of both steps are chained: each chunk's map names
// the files under src/.
//
// The chunks that dist/extension.js itself imports (code shared by activation and a command)
// are bundled into it, so activation reads and compiles one file (each file costs about half a
// millisecond more); in their place on disk is a two-line stub that hands a later chunk their
// exports from dist/extension.js, so even they exist once.
//
// All chunks sit in dist/ itself, next to extension.js, as extension-<name>-<hash>.js: the lazy
// packages' stand-ins (lazyModules.mjs) require `./lazy/...` relative to whichever chunk they
// land in. test/integration/extensionLoad.test.ts checks which chunks activation loads.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export const CHUNK_PREFIX = 'extension-';

/**
 * Options for the first step, added to `options` (a CommonJS build of one entry into `outdir`):
 * split ES modules, kept in memory, each written as CommonJS by the plugin.
 */
export function extensionChunksBuild(options) {
  return {
    ...options,
    format: 'esm',
    splitting: true,
    write: false,
    // Inline, so the second step finds it in the chunk's text and chains it.
    sourcemap: options.sourcemap ? 'inline' : false,
    chunkNames: `${CHUNK_PREFIX}[name]-[hash]`,
    metafile: true,
    plugins: [...(options.plugins ?? []), commonJsChunksPlugin({ target: options.target, sourcemap: options.sourcemap, legalComments: options.legalComments })],
  };
}

/**
 * Writes the build as CommonJS: dist/extension.js with every chunk that loading it needs inside
 * it (one file to read and compile at activation instead of a dozen), and each other chunk as a
 * file of its own. Removes the chunks of earlier builds.
 */
function commonJsChunksPlugin(common) {
  return {
    name: 'commonjs-chunks',
    setup(build) {
      build.onEnd(async (result) => {
        if (result.errors.length || !result.outputFiles) return;
        const outdir = resolve(build.initialOptions.outdir);
        const files = new Map(result.outputFiles.filter((f) => f.path.endsWith('.js')).map((f) => [basename(f.path), f]));
        const entries = Object.keys(build.initialOptions.entryPoints).map((name) => `${name}.js`);
        const eager = eagerChunks(result.metafile, outdir, entries);
        for (const entry of entries) await writeEntry(files, entry, eager, outdir, common);
        for (const [name, file] of files) {
          if (entries.includes(name)) continue;
          if (eager.has(name)) {
            writeFileSync(file.path, eagerChunkStub(name, eager.get(name)));
            rmSync(`${file.path}.map`, { force: true });
          } else {
            await toCommonJs(file, common);
          }
        }
        // Chunk names carry a hash of their content: an old one would linger and be shipped.
        for (const name of readdirSync(outdir)) {
          const js = name.replace(/\.map$/, '');
          if (js.startsWith(CHUNK_PREFIX) && js.endsWith('.js') && !files.has(js)) rmSync(join(outdir, name), { force: true });
        }
      });
    },
  };
}

/** Name of the entry's export through which a lazy chunk reaches an eager chunk's exports. */
export const EAGER_CHUNKS_EXPORT = '__eagerChunks';

/**
 * The chunks that loading an entry loads (its static imports, transitively; not those behind
 * `import()`), each mapped to the entry that contains it.
 */
function eagerChunks(metafile, outdir, entries) {
  const eager = new Map();
  const byName = (path) => basename(path);
  const outputs = new Map(Object.entries(metafile.outputs).map(([path, output]) => [byName(path), output]));
  for (const entry of entries) {
    const stack = [entry];
    while (stack.length) {
      const name = stack.pop();
      for (const imported of outputs.get(name)?.imports ?? []) {
        const chunk = byName(imported.path);
        if (imported.kind !== 'import-statement' || !outputs.has(chunk) || eager.has(chunk) || entries.includes(chunk)) continue;
        eager.set(chunk, entry);
        stack.push(chunk);
      }
    }
  }
  return eager;
}

/**
 * The entry with its eager chunks bundled in. Its own module first, so the code runs in the
 * order the chunks would have run in; then each eager chunk's namespace, exported for the
 * stubs that a lazy chunk requires in their place (eagerChunkStub): one instance of every module.
 */
async function writeEntry(files, entry, eager, outdir, common) {
  const mine = [...eager].filter(([, owner]) => owner === entry).map(([chunk]) => chunk);
  const lines = [`export * from './${entry}';`];
  mine.forEach((chunk, i) => lines.push(`import * as chunk${i} from './${chunk}';`));
  lines.push(`export const ${EAGER_CHUNKS_EXPORT} = { ${mine.map((chunk, i) => `${JSON.stringify(chunk)}: chunk${i}`).join(', ')} };`);
  const wrapper = { path: join(outdir, `${entry}.wrapper`), text: lines.join('\n') + '\n' };
  const inMemory = new Map([[wrapper.path, wrapper.text], ...[entry, ...mine].map((name) => [files.get(name).path, files.get(name).text])]);
  await toCommonJs(wrapper, common, inMemory, join(outdir, entry));
}

/** What a lazy chunk finds where an eager chunk would be: that chunk, inside its entry. */
function eagerChunkStub(chunk, entry) {
  return [
    `// ${chunk} is inside ${entry} (scripts/extensionChunks.mjs); this file hands its exports to the chunks loaded later.`,
    `module.exports = require(${JSON.stringify(`./${entry}`)}).${EAGER_CHUNKS_EXPORT}[${JSON.stringify(chunk)}];`,
    '',
  ].join('\n');
}

/**
 * Chunks into CommonJS at `outfile` (the chunk's own path by default): the chunk, and those of
 * `inMemory` that it imports, are bundled in; every other import stays an import (a require).
 */
async function toCommonJs(file, common, inMemory = new Map([[file.path, file.text]]), outfile = file.path) {
  await esbuild.build({
    entryPoints: [file.path],
    outfile,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: common.target,
    sourcemap: common.sourcemap,
    legalComments: common.legalComments,
    logLevel: 'warning',
    supported: { 'dynamic-import': false },
    plugins: [{
      name: 'chunks-in-memory',
      setup(build) {
        build.onResolve({ filter: /.*/ }, (args) => {
          const path = args.kind === 'entry-point' ? args.path : join(args.resolveDir, args.path);
          return args.kind !== 'dynamic-import' && inMemory.has(path) ? { path, namespace: 'chunk' } : { path: args.path, external: true };
        });
        build.onLoad({ filter: /.*/, namespace: 'chunk' }, (args) => ({ contents: inMemory.get(args.path), loader: 'js', resolveDir: dirname(args.path) }));
      },
    }],
  });
}
