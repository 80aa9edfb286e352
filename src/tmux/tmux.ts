// The only code that executes the tmux binary. Every call names the broadcast's own socket (-S),
// so nothing here ever touches the user's everyday tmux server.
import { execFile } from 'node:child_process';
import { lstatSync, unlinkSync } from 'node:fs';
import { processExists } from '../processExists';
import { parseTmuxVersion, TmuxVersion } from './version';

export class TmuxError extends Error {
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(message);
  }

  /** tmux says this when no server listens on the socket (or the socket file is stale). */
  get noServer(): boolean {
    return /no server running|error connecting to|server exited unexpectedly|lost server/i.test(this.stderr);
  }
}

export interface TmuxRunOptions {
  /** Extra environment for the tmux process (the server inherits it when this call starts one). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

function run(bin: string, args: string[], options: TmuxRunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      args,
      {
        env: options.env ?? process.env,
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 10_000,
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error) {
          const code = typeof error.code === 'number' ? error.code : null;
          if (error.code === 'ENOENT') {
            reject(new TmuxError(`tmux was not found ("${bin}"). Install tmux 3.2 or newer (apt-get install tmux).`, args, '', null));
            return;
          }
          const detail = stderr.trim() || error.message;
          reject(new TmuxError(`tmux ${args.join(' ')}: ${detail}`, args, stderr, code));
          return;
        }
        resolve(stdout);
      },
    );
  });
}

export async function probeTmuxVersion(bin = 'tmux'): Promise<TmuxVersion> {
  return parseTmuxVersion(await run(bin, ['-V']));
}

/** A tmux server reached through one socket. */
export class Tmux {
  constructor(
    readonly socketPath: string,
    readonly bin = 'tmux',
  ) {}

  /** Runs `tmux -S SOCKET ARGS...` and resolves with stdout. */
  run(args: string[], options?: TmuxRunOptions): Promise<string> {
    return run(this.bin, ['-S', this.socketPath, ...args], options);
  }

  /** Like run(), but resolves undefined when no server is running instead of throwing. */
  async runIfServer(args: string[], options?: TmuxRunOptions): Promise<string | undefined> {
    try {
      return await this.run(args, options);
    } catch (error) {
      if (error instanceof TmuxError && error.noServer) return undefined;
      throw error;
    }
  }

  /** The server's process id, or undefined when no server answers on the socket. */
  async serverPid(): Promise<number | undefined> {
    const out = await this.runIfServer(['display-message', '-p', '#{pid}']);
    if (out === undefined) return undefined;
    const pid = Number(out.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  async hasSession(name: string): Promise<boolean> {
    try {
      await this.run(['has-session', '-t', `=${name}`]);
      return true;
    } catch (error) {
      if (error instanceof TmuxError) return false;
      throw error;
    }
  }

  async sessionNames(): Promise<string[]> {
    const out = await this.runIfServer(['list-sessions', '-F', '#{session_name}']);
    return out === undefined ? [] : out.split('\n').filter(Boolean);
  }

  /** Reads a global user option (`@name`), undefined when unset or no server. */
  async userOption(name: string): Promise<string | undefined> {
    try {
      const out = await this.run(['show-options', '-gqv', `@${name}`]);
      const value = out.replace(/\n$/, '');
      return value === '' ? undefined : value;
    } catch (error) {
      if (error instanceof TmuxError) return undefined;
      throw error;
    }
  }

  /**
   * Ends the server and waits (bounded) until its process is gone: kill-server returns while the
   * server is still exiting, and a new server started on the socket meanwhile meets the dying one
   * ("server exited unexpectedly").
   */
  async killServer(timeoutMs = 5000): Promise<void> {
    const pid = await this.serverPid();
    await this.runIfServer(['kill-server']);
    if (pid === undefined) return;
    const deadline = Date.now() + timeoutMs;
    while (processExists(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // tmux leaves its socket file behind; nothing answers on it any more, so it goes too (unless
    // a new server took the path meanwhile).
    if (!processExists(pid) && (await this.serverPid()) === undefined) {
      try {
        if (lstatSync(this.socketPath).isSocket()) unlinkSync(this.socketPath);
      } catch {
        // already gone, or not ours to remove
      }
    }
  }
}
