// Finds import cycles among the TypeScript files of a folder, for the check that src/ has none
// (test/unit/importCycles.test.ts). Every relative import counts: static, type-only, re-exports,
// import() and require(), since a cycle through any of them ties the modules together (and a
// type-only one becomes a runtime one the day a value is imported along the same edge).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Module specifiers in import/export-from statements, import() and require(). */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/g;

/** Comments out of the way, so an example in a comment is no import; strings are kept. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\/|(['"`])(?:\\.|(?!\1)[^\\\n])*\1|\/\/[^\n]*/g, (match, quote: string | undefined) => (quote ? match : ' '));
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => resolve(dir, f))
    .sort();
}

/** The file a relative specifier names, as TypeScript resolves it; undefined for a package. */
function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')];
  if (/\.js$/.test(base)) candidates.unshift(base.replace(/\.js$/, '.ts'));
  return candidates.find((c) => existsSync(c) && statSync(c).isFile() && /\.tsx?$/.test(c));
}

/** Each file's imports of other files in the folder (relative paths, in source order). */
export function importGraph(dir: string): Map<string, string[]> {
  const root = resolve(dir);
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(root)) {
    const targets: string[] = [];
    for (const match of withoutComments(readFileSync(file, 'utf8')).matchAll(SPECIFIER)) {
      const target = resolveImport(file, match[2]);
      if (target && target.startsWith(root + '/') && !targets.includes(target)) targets.push(target);
    }
    graph.set(relative(root, file), targets.map((t) => relative(root, t)));
  }
  return graph;
}

/**
 * One cycle per group of files that import each other (a strongly connected component, Tarjan's
 * algorithm), written as the path that closes it: ["a.ts", "b.ts", "a.ts"]. Empty: no cycle.
 */
export function findImportCycles(dir: string): string[][] {
  const graph = importGraph(dir);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let next = 0;

  function connect(file: string): void {
    index.set(file, next);
    low.set(file, next);
    next++;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    const selfImport = graph.get(file)?.includes(file) ?? false;
    if (group.length > 1 || selfImport) groups.push(group);
  }

  for (const file of graph.keys()) if (!index.has(file)) connect(file);
  return groups.map((group) => cyclePath(graph, new Set(group))).sort((a, b) => a[0].localeCompare(b[0]));
}

/** A shortest path from the group's first file (by name) back to itself, within the group. */
function cyclePath(graph: Map<string, string[]>, group: Set<string>): string[] {
  const start = [...group].sort()[0];
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const file = queue.shift()!;
    for (const target of graph.get(file) ?? []) {
      if (!group.has(target)) continue;
      if (target === start) {
        const path = [start];
        for (let at = file; at !== start; at = cameFrom.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, file);
        queue.push(target);
      }
    }
  }
  return [start, start];
}
