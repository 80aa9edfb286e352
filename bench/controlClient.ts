// The host's keyboard for the bench: ONE tmux control-mode client (`tmux -C`) that stays attached
// and takes commands on its stdin. Typing through it costs one line on a pipe instead of one
// `tmux send-keys` process per key, which would measure process start-up rather than latency.
// It attaches with no-output (tmux sends it no pane output, so it adds no work during a flood)
// and ignore-size (it never sizes the window).
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

interface Pending {
  resolve: (lines: string[]) => void;
  reject: (error: Error) => void;
}

export class ControlClient {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private block: string[] | undefined;
  private exited: Error | undefined;

  private constructor(tmuxBin: string, socketPath: string, readonly sessionName: string) {
    this.proc = spawn(tmuxBin, ['-S', socketPath, '-C', 'attach-session', '-t', `=${sessionName}`, '-f', 'no-output,ignore-size'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const lines = createInterface({ input: this.proc.stdout });
    lines.on('line', (line) => this.onLine(line));
    this.proc.on('exit', (code) => this.fail(new Error(`tmux control client exited (code ${code})`)));
    this.proc.on('error', (error) => this.fail(error));
  }

  /** Attaches and waits until the client answers a first command. */
  static async attach(socketPath: string, sessionName: string, tmuxBin = 'tmux'): Promise<ControlClient> {
    const client = new ControlClient(tmuxBin, socketPath, sessionName);
    await client.command('display-message -p ok');
    return client;
  }

  get target(): string {
    return `=${this.sessionName}:`;
  }

  /** Sends one tmux command line; resolves with its output lines, rejects on %error. */
  command(line: string, timeoutMs = 10_000): Promise<string[]> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tmux control command timed out after ${timeoutMs} ms: ${line}`)), timeoutMs);
      this.pending.push({
        resolve: (lines) => {
          clearTimeout(timer);
          resolve(lines);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.proc.stdin.write(line + '\n');
    });
  }

  /** Types text literally into the session's active pane (one command, however long the text). */
  type(text: string): Promise<string[]> {
    return this.command(`send-keys -t ${this.target} -l ${tmuxQuote(text)}`);
  }

  /** Presses named keys (Enter, C-c, ...). */
  keys(...names: string[]): Promise<string[]> {
    return this.command(`send-keys -t ${this.target} ${names.join(' ')}`);
  }

  close(): void {
    if (this.exited) return;
    this.proc.stdin.end();
    this.proc.kill('SIGTERM');
  }

  private onLine(line: string): void {
    // %begin TIME NUMBER FLAGS: flags 1 marks our own commands; 0 is the attach itself.
    const begin = /^%begin \d+ \d+ (\d+)$/.exec(line);
    if (begin) {
      this.block = begin[1] === '1' ? [] : undefined;
      return;
    }
    const end = /^%(end|error) \d+ \d+ (\d+)$/.exec(line);
    if (end) {
      const lines = this.block;
      this.block = undefined;
      if (end[2] !== '1' || lines === undefined) return;
      const waiter = this.pending.shift();
      if (!waiter) return;
      if (end[1] === 'end') waiter.resolve(lines);
      else waiter.reject(new Error(`tmux: ${lines.join(' ')}`));
      return;
    }
    if (this.block) this.block.push(line);
    // Other lines are notifications (%session-changed, %window-renamed, ...): not ours to act on.
  }

  private fail(error: Error): void {
    if (this.exited) return;
    this.exited = error;
    for (const waiter of this.pending.splice(0)) waiter.reject(error);
  }
}

/** Single-quotes a word for tmux's command parser. */
export function tmuxQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
