// One relay as a user runs it: `guest-broadcast relay` from dist/cli.js, a process of its own (a
// machine of its own in a real deployment), so its CPU and memory are measured apart from the host
// and from the bench's viewers. Ready once it prints how guests watch (with the port it got).
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';

/** The CLI the relays run (npm run bench builds it first). */
export const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

export class RelayProcess {
  private exited = false;
  private stdout = '';
  private stderr = '';
  port = 0;

  private constructor(
    private readonly proc: ChildProcessWithoutNullStreams,
    readonly name: string,
  ) {
    proc.stdout.on('data', (d: Buffer) => (this.stdout = (this.stdout + d.toString()).slice(-8192)));
    proc.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    proc.once('exit', () => (this.exited = true));
  }

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  /**
   * Starts a relay on a free loopback port. Every bench guest comes from 127.0.0.1, so the
   * per-address bound is lifted to `maxGuests`, as for the bench's hosts.
   */
  static start(natsUrl: string, dir: string, name: string, maxGuests: number, timeoutMs = 20_000): Promise<RelayProcess> {
    const args = [CLI, 'relay', '--nats', natsUrl, '--listen', '127.0.0.1:0', '--host-key', join(dir, `${name}-key`), '--name', name, '--max-guests', String(maxGuests), '--max-per-address', String(maxGuests)];
    // A session of its own (as the host's): the flood lowers the bench's session, not the relays'.
    const proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const relay = new RelayProcess(proc, name);
    return new Promise<RelayProcess>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`relay ${name} did not start within ${timeoutMs} ms: ${relay.stderr.trim() || relay.stdout.trim()}`));
      }, timeoutMs);
      proc.stdout.on('data', () => {
        const port = /Guests watch with: +ssh -p (\d+) /.exec(relay.stdout)?.[1];
        if (!port || !relay.stdout.includes('Press Ctrl-C to stop the relay')) return;
        clearTimeout(timer);
        relay.port = Number(port);
        resolve(relay);
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`relay ${name} exited (code ${code}) before it was ready: ${relay.stderr.trim() || relay.stdout.trim()}`));
      });
    });
  }

  /** SIGTERM (the relay tells its guests and drains NATS), then SIGKILL if it lingers. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    await gone;
    clearTimeout(timer);
  }
}
