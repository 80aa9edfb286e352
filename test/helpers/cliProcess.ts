// The real CLI (dist/cli.js, as `npm start` runs it) as a plain child process, no terminal, the
// way a script or a service runs `guest-broadcast host`: its output is collected, signals are
// sent to it by PID, and it is ended (SIGKILL, by PID) if a test leaves it running.
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after } from 'node:test';
import { runClient } from './embeddedFixture';
import { TempSocket, tempSocket } from './tmuxFixture';
import { waitFor } from './wait';

export const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

/**
 * How long a CLI is given to say something, exit, or run to its end. Generous: on a loaded
 * 2-core machine (CI running the whole suite) starting node, tmux and a NATS link took over 10 s
 * at times, where it usually takes one or two; a CLI that hangs still fails, saying what it printed.
 */
const CLI_WAIT_MS = 30_000;

export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  /** `prefix`: a command that runs node in turn and execs it (`ip netns exec NAME`), so the PID stays node's. */
  constructor(args: string[], env: NodeJS.ProcessEnv = {}, prefix: string[] = []) {
    const argv = [...prefix, 'node', CLI, ...args];
    this.child = spawn(argv[0], argv.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.child.once('exit', (code, signal) => (this.exit = { code, signal }));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get output(): string {
    return this.stdout + this.stderr;
  }

  async waitForOutput(text: string | RegExp, timeoutMs = CLI_WAIT_MS): Promise<void> {
    const found = (): boolean => (typeof text === 'string' ? this.output.includes(text) : text.test(this.output));
    await waitFor(`${String(text)} in the CLI's output`, () => found() || (this.exit !== undefined && found()), timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message}\nOutput was:\n${this.output}\nExit: ${JSON.stringify(this.exit)}`);
    });
  }

  /** Waits for the exit; resolves the exit code (null when a signal ended it). */
  async waitForExit(timeoutMs = CLI_WAIT_MS): Promise<number | null> {
    const r = await waitFor('the CLI to exit', () => this.exit, timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message}\nOutput was:\n${this.output}`);
    });
    return r?.code ?? null;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.exit === undefined) process.kill(this.pid, signal);
  }

  /** Ends it for good if it still runs (test cleanup). */
  kill(): void {
    if (this.exit === undefined) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** A test file's own CLI world: a temp socket folder, a state folder, and HOME-like config folders. */
export interface CliWorld {
  sock: TempSocket;
  stateDir: string;
  /** XDG_CONFIG_HOME and XDG_RUNTIME_DIR inside the temp folder: nothing of the user's is read. */
  env: NodeJS.ProcessEnv;
  /** Run after the file's tests (clients to kill). */
  cleanups: Array<() => void>;
  /** Runs the CLI to its end with `env`. */
  cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Makes the world and registers its cleanup after the file's tests. */
export function cliWorld(prefix: string): CliWorld {
  const sock = tempSocket(prefix);
  const env = { XDG_CONFIG_HOME: join(sock.dir, 'config'), XDG_RUNTIME_DIR: sock.dir };
  const cleanups: Array<() => void> = [];
  after(async () => {
    for (const c of cleanups) c();
    await sock.cleanup();
  });
  return { sock, stateDir: join(sock.dir, 'state'), env, cleanups, cli: (args) => runClient(['node', CLI, ...args], { env, timeoutMs: CLI_WAIT_MS }) };
}
