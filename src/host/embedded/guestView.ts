// One guest's view: a read-only tmux client (guestAttachArgv) in a node-pty of the guest's size,
// its output written to the guest's SSH channel.
//
// THE READ-ONLY GUARANTEE ON THE SERVER SIDE LIVES HERE: nothing a guest sends on its channel
// is ever written to the pty. The channel's input is read (so SSH flow control keeps moving) and
// dropped; this class has no path from the channel to the pty at all. tmux's `attach -r` is the
// second, independent guard.
import type { IPty } from 'node-pty';
import type { ServerChannel } from 'ssh2';
import { guestAttachArgv } from '../../tmux/attach';
import { kickClient, listClients } from '../../tmux/clients';
import { Tmux } from '../../tmux/tmux';
import { loadNodePty } from '../ptyLoader';
import { clampSize, guestClientEnv, guestTerm } from './terminal';

export interface GuestViewOptions {
  tmux: Tmux;
  sessionName: string;
  term: string | undefined;
  cols: number;
  rows: number;
  appRoot?: string;
}

// Enough of the last output to tell whether a farewell already reached the guest.
const TAIL = 2048;
// Bytes waiting for a guest's SSH window before its tmux client is paused, and resumed below.
const PAUSE_AT = 256 * 1024;
const RESUME_AT = 64 * 1024;

export class GuestView {
  readonly pty: IPty;
  cols: number;
  rows: number;
  private exited = false;
  private readonly exitWaiters: Array<() => void> = [];
  private tail = '';
  private paused = false;
  /** Times the pty was paused because the guest's channel was full (for tests and benchmarks). */
  pauses = 0;
  /** The most bytes ever waiting in the guest's channel: what backpressure keeps small. */
  maxBuffered = 0;

  constructor(
    private readonly channel: ServerChannel,
    private readonly options: GuestViewOptions,
    private readonly onExit: (code: number) => void,
  ) {
    const size = clampSize(options.cols, options.rows);
    this.cols = size.cols;
    this.rows = size.rows;
    const argv = guestAttachArgv({ socketPath: options.tmux.socketPath, sessionName: options.sessionName, tmuxBin: options.tmux.bin });
    const term = guestTerm(options.term);
    this.pty = loadNodePty(options.appRoot).spawn(argv[0], argv.slice(1), {
      name: term,
      cols: this.cols,
      rows: this.rows,
      cwd: '/',
      env: guestClientEnv(term),
    });

    // Guest input: read and dropped. See the header comment.
    channel.on('data', () => undefined);

    this.pty.onData((data) => {
      this.tail = (this.tail + data).slice(-TAIL);
      // Backpressure: a guest that cannot keep up pauses its own tmux client (tmux then skips
      // frames for it) instead of this process buffering without bound. ssh2's own high-water
      // mark is the 2 MB SSH window; pausing at PAUSE_AT keeps a slow guest's cost far lower.
      const accepted = channel.write(data, () => this.maybeResume());
      this.maxBuffered = Math.max(this.maxBuffered, channel.writableLength);
      if ((!accepted || channel.writableLength >= PAUSE_AT) && !this.paused) {
        this.paused = true;
        this.pauses++;
        this.pty.pause();
      }
    });
    channel.on('drain', () => this.maybeResume());
    this.pty.onExit(({ exitCode }) => {
      this.exited = true;
      for (const wake of this.exitWaiters.splice(0)) wake();
      this.onExit(exitCode);
    });
  }

  private maybeResume(): void {
    if (this.paused && !this.exited && this.channel.writableLength <= RESUME_AT) {
      this.paused = false;
      this.pty.resume();
    }
  }

  get running(): boolean {
    return !this.exited;
  }

  /** The guest's window changed: this guest's client only (attach -r never resizes the host's window). */
  resize(cols: number, rows: number): void {
    const size = clampSize(cols, rows);
    this.cols = size.cols;
    this.rows = size.rows;
    if (!this.exited) this.pty.resize(size.cols, size.rows);
  }

  private waitForExit(timeoutMs: number): Promise<boolean> {
    if (this.exited) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.exited), timeoutMs);
      this.exitWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /**
   * Ends the view with a one-line message. The tmux client is detached by tmux itself, so it
   * restores the guest's terminal (leaves the alternate screen) and prints the message; only if
   * that fails is the client killed and the message written directly.
   */
  async end(message: string): Promise<void> {
    if (!this.exited) {
      const client = (await listClients(this.options.tmux).catch(() => [])).find((c) => c.pid === this.pty.pid);
      if (client) await kickClient(this.options.tmux, client.name, message).catch(() => undefined);
      if (!(await this.waitForExit(client ? 2000 : 1000))) {
        try {
          this.pty.kill();
        } catch {
          // already gone
        }
        await this.waitForExit(1000);
      }
    }
    this.farewell(message);
  }

  /** Writes `message` on its own line unless the guest already got it (tmux's own farewell). */
  farewell(message: string): void {
    if (!this.tail.includes(message) && this.channel.writable) this.channel.write(`\r\n${message}\r\n`);
  }
}
