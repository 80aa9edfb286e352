// code-server (VS Code 1.139 with a Node extension host) on a free loopback port, in its own
// process group with throwaway data folders. stop() ends the whole group: code-server leaves
// children (extension host, pty host, file watcher) that a plain kill would orphan.
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tools } from './tools';

export interface CodeServer {
  url: string;
  /** host:port, the authority of vscode-remote:// URIs. */
  authority: string;
  logFile: string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  /** A throwaway folder for every file code-server writes. */
  dir: string;
  /** Extra environment for code-server and so for its extension host. */
  env: NodeJS.ProcessEnv;
  /** User settings written before start. */
  settings: Record<string, unknown>;
}

import { freePort as freeLoopbackPort } from '../../helpers/freePort';
export { freeLoopbackPort };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the group, then SIGKILL if anything is left after `graceMs`. */
export async function endProcessGroup(pgid: number, graceMs = 5000): Promise<void> {
  if (!groupAlive(pgid)) return;
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pgid)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone in between
    }
  }
}

async function startOnce(tools: Tools, options: CodeServerOptions, port: number): Promise<CodeServer> {
  const { dir } = options;
  const dataDir = join(dir, 'user-data');
  mkdirSync(join(dataDir, 'User'), { recursive: true });
  writeFileSync(join(dataDir, 'User', 'settings.json'), JSON.stringify(options.settings, null, 2));
  const config = join(dir, 'code-server.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const logFile = join(dir, `code-server-${port}.log`);
  const logStream = createWriteStream(logFile);
  const args = [
    tools.codeServerEntry,
    '--config', config,
    '--user-data-dir', dataDir,
    '--extensions-dir', join(dir, 'extensions'),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    // Without it code-server ignores the page's test payload.
    '--vscode-option', 'enable-smoke-test-driver',
  ];
  const child: ChildProcess = spawn(tools.node, args, {
    detached: true, // its own process group (setsid), ended as a whole in stop()
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: `${join(tools.nodeDir, 'bin')}:${process.env.PATH ?? ''}`, ...options.env },
  });
  child.stdout?.pipe(logStream);
  child.stderr?.pipe(logStream);
  const pgid = child.pid;
  if (pgid === undefined) throw new Error('code-server did not start (no pid).');
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  const stop = async (): Promise<void> => {
    await endProcessGroup(pgid);
    logStream.end();
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`code-server exited (code ${String(exited)}) before it answered. Its log:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${url} within 60 s. Its log: ${logFile}`);
    }
    await sleep(200);
  }
  return { url, authority: `127.0.0.1:${port}`, logFile, stop };
}

/** Starts code-server; another process taking the probed port first just means another try. */
export async function startCodeServer(tools: Tools, options: CodeServerOptions): Promise<CodeServer> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(tools, options, await freeLoopbackPort());
    } catch (error) {
      last = error;
      if (!/EADDRINUSE/.test(String(error))) throw error;
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}
