// Runs a real client program (tmux attach, ssh) in a pseudo-terminal and renders what it
// prints, as a guest's terminal would.
import * as pty from 'node-pty';
import { Screen, waitFor } from './screen';

export class PtyClient {
  readonly screen: Screen;
  readonly proc: pty.IPty;
  output = '';
  exitCode: number | undefined;

  constructor(argv: string[], options: { cols?: number; rows?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
    const cols = options.cols ?? 80;
    const rows = options.rows ?? 24;
    this.screen = new Screen(cols, rows);
    this.proc = pty.spawn(argv[0], argv.slice(1), {
      name: 'xterm-256color',
      cols,
      rows,
      cwd: options.cwd ?? '/',
      env: { ...process.env, TERM: 'xterm-256color', LANG: 'C.UTF-8', ...options.env } as Record<string, string>,
    });
    this.proc.onData((data) => {
      this.output += data;
      this.screen.feed(data);
    });
    this.proc.onExit(({ exitCode }) => {
      this.exitCode = exitCode;
    });
  }

  /** Sends bytes as if typed on the client's keyboard. */
  type(data: string): void {
    this.proc.write(data);
  }

  resize(cols: number, rows: number): void {
    this.proc.resize(cols, rows);
    this.screen.resize(cols, rows);
  }

  async lines(): Promise<string[]> {
    await this.screen.settled();
    return this.screen.lines();
  }

  /** Waits until the rendered screen contains `text`. */
  async waitForText(text: string, timeoutMs = 10_000): Promise<void> {
    await waitFor(`"${text}" on the screen`, async () => (await this.lines()).join('\n').includes(text), timeoutMs).catch(async (error: Error) => {
      throw new Error(`${error.message}\nScreen was:\n${(await this.lines()).join('\n')}`);
    });
  }

  waitForExit(timeoutMs = 10_000): Promise<number> {
    return waitFor('the client to exit', () => (this.exitCode !== undefined ? { code: this.exitCode } : undefined), timeoutMs).then((r) => r?.code ?? -1);
  }

  kill(): void {
    if (this.exitCode === undefined) {
      try {
        this.proc.kill();
      } catch {
        // already gone
      }
    }
    this.screen.dispose();
  }
}

export const isRoot = process.getuid?.() === 0;
