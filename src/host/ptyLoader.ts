// node-pty is native: it must match the Node (or Electron) ABI of whoever loads it. Inside VS Code
// the only copy that matches is VS Code's own; the CLI and the tests use the npm one. Loaded
// lazily so that `guest-broadcast status` and the extension's activation never pay for it.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as NodePty from 'node-pty';

export type NodePtyModule = typeof NodePty;

let cached: NodePtyModule | undefined;

/** The places tried, in order: VS Code's packed copy, VS Code's unpacked copy, then the npm one. */
export function nodePtyCandidates(appRoot?: string): string[] {
  const candidates: string[] = [];
  if (appRoot) candidates.push(join(appRoot, 'node_modules.asar', 'node-pty'), join(appRoot, 'node_modules', 'node-pty'));
  candidates.push('node-pty');
  return candidates;
}

export function loadNodePty(appRoot?: string): NodePtyModule {
  if (cached) return cached;
  const load = createRequire(__filename);
  const failures: string[] = [];
  for (const candidate of nodePtyCandidates(appRoot)) {
    try {
      const mod = load(candidate) as NodePtyModule;
      if (typeof mod.spawn !== 'function') throw new Error('it has no spawn()');
      cached = mod;
      return mod;
    } catch (error) {
      failures.push(`  ${candidate}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  throw new Error(
    `Could not load node-pty, which the embedded SSH server needs to give each guest a terminal. Tried:\n${failures.join('\n')}\n` +
      'Run "npm install" in the project folder (it builds node-pty), or use --mode system.',
  );
}
