// The driver's side of the host process: start it, wait for its ready line, stop it.
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { processExists } from '../../src/processExists';
import { Tmux } from '../../src/tmux/tmux';
import { HostConfig, HostReady } from './hostConfig';

/** The bundle bench/build.mjs writes (same externals as dist/cli.js). */
export const HOST_BUNDLE = join(__dirname, '..', '..', '..', 'out', 'bench-host', 'hostProcess.js');
/** The same host without ssh2's native ciphers, as the extension runs in VS Code (`--ciphers js`). */
export const HOST_BUNDLE_JS_CIPHERS = join(__dirname, '..', '..', '..', 'out', 'bench-host', 'hostProcess-jsciphers.js');

export class HostHandle {
  /** Hosts not stopped yet, so an interrupted bench leaves no broadcast behind. */
  private static readonly active = new Set<HostHandle>();
  private exited = false;

  private constructor(
    private readonly proc: ChildProcessWithoutNullStreams,
    readonly config: HostConfig,
    readonly pid: number,
    readonly tmuxPid: number,
    readonly listen: string | null,
    /** The browser route's page link (web route only). */
    readonly webLink: string | null,
    /** Whether ssh2's native ciphers loaded in the host process. */
    readonly nativeCiphers: boolean,
  ) {
    proc.on('exit', () => {
      this.exited = true;
    });
    HostHandle.active.add(this);
  }

  static async stopAll(): Promise<void> {
    await Promise.all([...HostHandle.active].map((h) => h.stop()));
  }

  static start(config: HostConfig, timeoutMs = 20_000): Promise<HostHandle> {
    const bundle = config.ciphers === 'js' ? HOST_BUNDLE_JS_CIPHERS : HOST_BUNDLE;
    // A session of its own, as a real host's is: the bench lowers its own session's priority for
    // its viewers during the flood (viewerPriority.ts), and the host must not be lowered with them.
    // It still ends with the bench: it stops when its stdin closes.
    const proc = spawn(process.execPath, [bundle, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    return new Promise<HostHandle>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`the ${config.route} host did not start within ${timeoutMs} ms${stderr ? `: ${stderr.trim()}` : ''}`));
      }, timeoutMs);
      const lines = createInterface({ input: proc.stdout });
      lines.once('line', (line) => {
        clearTimeout(timer);
        let ready: HostReady;
        try {
          ready = JSON.parse(line) as HostReady;
        } catch {
          proc.kill('SIGKILL');
          reject(new Error(`the ${config.route} host printed "${line}" instead of its ready line`));
          return;
        }
        if (!ready.ready) {
          reject(new Error(`the ${config.route} host failed to start: ${ready.error}`));
          return;
        }
        resolve(new HostHandle(proc, config, ready.pid, ready.tmuxPid, ready.listen, ready.webLink, ready.nativeCiphers));
      });
      proc.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the ${config.route} host exited (code ${code}) before it was ready${stderr ? `: ${stderr.trim()}` : ''}`));
      });
    });
  }

  get tmux(): Tmux {
    return new Tmux(this.config.socketPath);
  }

  /** The embedded server's port. */
  get port(): number {
    const m = /:(\d+)$/.exec(this.listen ?? '');
    if (!m) throw new Error(`the host reported no listen address (${this.listen})`);
    return Number(m[1]);
  }

  /** Asks the host to stop its broadcast (closing stdin), then makes sure it and its tmux are gone. */
  async stop(timeoutMs = 10_000): Promise<void> {
    HostHandle.active.delete(this);
    if (!this.exited) {
      const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
      this.proc.stdin.end();
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
      await gone;
      clearTimeout(timer);
    }
    // The tmux server is not our child: end it if the host could not.
    if (processExists(this.tmuxPid)) await this.tmux.killServer().catch(() => undefined);
  }
}
