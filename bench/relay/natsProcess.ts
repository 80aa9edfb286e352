// The bench's nats-server: Debian's /usr/sbin/nats-server with JetStream, a temp store in the
// run's folder and a free loopback port. A session of its own, as the host's: the flood lowers the
// bench's own session for its viewers (viewerPriority.ts), and NATS stands for another machine.
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../test/helpers/freePort';
import { waitFor } from '../../test/helpers/wait';

export const NATS_SERVER = '/usr/sbin/nats-server';

/** Why the relay route cannot run here; undefined when it can. */
export function natsUnavailable(): string | undefined {
  return existsSync(NATS_SERVER) ? undefined : `skipped: ${NATS_SERVER} not found (apt-get install nats-server)`;
}

export class NatsProcess {
  private exited = false;
  private log = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stderr?.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-8192)));
    child.once('exit', () => (this.exited = true));
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  static async start(workDir: string): Promise<NatsProcess> {
    const store = join(workDir, 'nats-store');
    mkdirSync(store, { recursive: true });
    const port = await freePort();
    const child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const nats = new NatsProcess(child, `nats://127.0.0.1:${port}`);
    try {
      await waitFor('nats-server to be ready', () => {
        if (nats.exited) throw new Error(`nats-server exited before it was ready:\n${nats.log.trim()}`);
        return nats.log.includes('Server is ready');
      }, 15_000);
    } catch (error) {
      await nats.stop();
      throw error;
    }
    return nats;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  }
}
