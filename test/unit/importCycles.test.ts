// No import cycles in src/ (RULES: "No import cycles"): a cycle makes a module's exports
// undefined while the other one loads, depending on which is imported first. The finder is our
// own (test/helpers/importCycles.ts); its own tests below run it on small folders made here.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { findImportCycles, importGraph } from '../helpers/importCycles';

const SRC = join(__dirname, '..', '..', '..', 'src');

test('src/ has no import cycle', () => {
  const graph = importGraph(SRC);
  // The finder saw the tree: the extension's entry and its imports.
  assert.ok(graph.size > 50, `only ${graph.size} files found under src/`);
  assert.ok((graph.get('extension.ts') ?? []).includes('ui/activeBroadcast.ts'), 'extension.ts imports ui/activeBroadcast.ts');
  const cycles = findImportCycles(SRC).map((cycle) => cycle.join(' -> '));
  assert.deepEqual(cycles, [], `import cycles in src/ (break each, e.g. by moving what both need into a module of its own):\n${cycles.join('\n')}`);
});

const scratch = mkdtempSync(join(tmpdir(), 'gb-cycles-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let folders = 0;

/** A folder of the given files; returns its path. */
function folder(files: Record<string, string>): string {
  const dir = join(scratch, String(folders++));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

test('the finder reports a cycle of two, of three, and a file importing itself, each once', () => {
  const dir = folder({
    'a.ts': "import { b } from './b';\nexport const a = 1;\n",
    'b.ts': "import { a } from './a';\nexport const b = 2;\n",
    'x/one.ts': "import { two } from './two';\n",
    'x/two.ts': "import { three } from '../three';\n",
    'three.ts': "import { one } from './x/one';\n",
    'self.ts': "import { self } from './self';\n",
  });
  assert.deepEqual(findImportCycles(dir), [
    ['a.ts', 'b.ts', 'a.ts'],
    ['self.ts', 'self.ts'],
    ['three.ts', 'x/one.ts', 'x/two.ts', 'three.ts'],
  ]);
});

test('the finder follows type-only imports, re-exports, import(), require() and folder index files', () => {
  const cases: Record<string, string>[] = [
    { 'a.ts': "import type { B } from './b';\n", 'b.ts': "import { a } from './a';\n" },
    { 'a.ts': "export * from './b';\n", 'b.ts': "export { a } from './a';\n" },
    { 'a.ts': "const b = () => import('./b');\n", 'b.ts': "import './a';\n" },
    { 'a.ts': "const b = require('./b');\n", 'b.ts': "import {\n  a,\n} from \"./a\";\n" },
    { 'a.ts': "import { b } from './lib';\n", 'lib/index.ts': "import { a } from '../a';\n" },
  ];
  for (const files of cases) assert.equal(findImportCycles(folder(files)).length, 1, JSON.stringify(files));
});

test('the finder reports nothing for shared imports, packages, or imports written in comments', () => {
  const dir = folder({
    // A diamond: two paths to one file are no cycle.
    'top.ts': "import { l } from './left';\nimport { r } from './right';\n",
    'left.ts': "import { base } from './base';\nimport { x } from 'left-pad';\n",
    'right.ts': "import { base } from './base';\n",
    'base.ts': "// import { top } from './top';\n/* import { left } from './left'; */\nexport const base = 1; // see require('./right')\n",
  });
  assert.deepEqual(findImportCycles(dir), []);
});
