// A real nats-server (Debian's, with JetStream) for one test file: its own temp store, a free
// loopback port, started and stopped by its PID.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './freePort';
import { waitFor } from './wait';

export const NATS_SERVER = '/usr/sbin/nats-server';

export interface NatsServer {
  url: string;
  /** The server's temp folder (its store, its config, certificates a test made there). */
  dir: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export interface NatsServerOptions {
  /**
   * More of nats-server's config (authorization, tls, accounts…), given the server's own temp
   * folder (for certificates made there); the listen address and JetStream are set here.
   */
  config?: (dir: string) => string;
  /** The address it listens on (default 127.0.0.1); the URL names it. */
  address?: string;
  /** A network namespace to run it in (`ip netns exec NAME`, which execs: the PID is nats-server's). */
  netns?: string;
}

export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gb-nats-'));
  const port = await freePort();
  const address = options.address ?? '127.0.0.1';
  let argv = [NATS_SERVER, '-a', address, '-p', String(port), '-js', '-sd', join(dir, 'js')];
  if (options.config) {
    const file = join(dir, 'nats.conf');
    writeFileSync(file, `listen: "${address}:${port}"\njetstream { store_dir: "${join(dir, 'js')}" }\n${options.config(dir)}\n`);
    argv = [NATS_SERVER, '-c', file];
  }
  const command = options.netns ? ['ip', 'netns', 'exec', options.netns, ...argv] : argv;
  const child: ChildProcess = spawn(command[0], command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  let exited = false;
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-8192)));
  child.once('exit', () => (exited = true));
  await waitFor('nats-server to be ready', () => {
    if (exited) throw new Error(`nats-server exited:\n${log}`);
    return log.includes('Server is ready');
  }, 15_000);
  const pid = child.pid ?? 0;
  return {
    url: `nats://${address}:${port}`,
    dir,
    port,
    pid,
    async stop() {
      if (!exited) {
        process.kill(pid, 'SIGTERM');
        await waitFor('nats-server to exit', () => exited, 10_000).catch(() => {
          if (!exited) process.kill(pid, 'SIGKILL');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
