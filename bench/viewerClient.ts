// One bench viewer: an ssh2 client on loopback with a pty of the host's size, whose output is
// rendered by @xterm/headless exactly as a guest's terminal would. Waiting for text looks at the
// rows around the cursor only (where typed text and a command's last line appear), so checking
// after every write stays cheap with hundreds of viewers in one process.
import { createConnection, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Client, ClientChannel } from 'ssh2';
import { Screen } from '../test/helpers/screen';

export interface ViewerTarget {
  host: '127.0.0.1';
  port: number;
  username: string;
  /** undefined: the "none" method, which an open embedded server and an empty-password guest account accept. */
  password?: string;
}

export interface ViewerOptions {
  cols: number;
  rows: number;
  /** A stalled viewer never reads its channel: the server's window to it fills and stays full. */
  stalled?: boolean;
  timeoutMs?: number;
}

/**
 * OpenSSH's own client preference order: real guests type `ssh`, so the server under test does
 * the cipher work it would do for them.
 */
const OPENSSH_CIPHERS = [
  'chacha20-poly1305@openssh.com',
  'aes128-ctr',
  'aes192-ctr',
  'aes256-ctr',
  'aes128-gcm@openssh.com',
  'aes256-gcm@openssh.com',
] as const;

interface Watch {
  text: string;
  resolve: (at: number) => void;
}

export class BenchViewer {
  readonly screen: Screen;
  private readonly client = new Client();
  /** The TCP connection, ours so that reading can be held (holdReading). */
  private socket: Socket | undefined;
  private watches: Watch[] = [];
  private pendingWrites = 0;
  bytes = 0;
  closed = false;

  get stalled(): boolean {
    return this.options.stalled === true;
  }

  private constructor(readonly options: ViewerOptions) {
    this.screen = new Screen(options.cols, options.rows);
  }

  /** Connects, logs in, opens a shell of the viewer's size; resolves once the channel is open. */
  static connect(target: ViewerTarget, options: ViewerOptions): Promise<BenchViewer> {
    const viewer = new BenchViewer(options);
    const timeoutMs = options.timeoutMs ?? 20_000;
    return new Promise<BenchViewer>((resolve, reject) => {
      const timer = setTimeout(() => {
        viewer.close();
        reject(new Error(`viewer did not get a shell within ${timeoutMs} ms`));
      }, timeoutMs);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        viewer.close();
        reject(error);
      };
      viewer.client.on('error', fail);
      viewer.client.on('close', () => {
        viewer.closed = true;
      });
      viewer.client.on('ready', () => {
        viewer.client.shell({ term: 'xterm-256color', cols: options.cols, rows: options.rows }, (error, channel) => {
          if (error) return fail(error);
          clearTimeout(timer);
          viewer.client.removeListener('error', fail);
          viewer.client.on('error', () => undefined); // a connection reset at teardown is not a result
          viewer.attach(channel);
          resolve(viewer);
        });
      });
      viewer.socket = createConnection({ host: target.host, port: target.port });
      viewer.client.connect({
        sock: viewer.socket,
        host: target.host,
        port: target.port,
        username: target.username,
        password: target.password,
        readyTimeout: timeoutMs,
        // The bench talks to a server it started seconds ago on loopback, with a fresh host key.
        hostVerifier: () => true,
        algorithms: { cipher: [...OPENSSH_CIPHERS] },
        keepaliveInterval: 0,
      });
    });
  }

  private attach(channel: ClientChannel): void {
    channel.on('close', () => {
      this.closed = true;
    });
    channel.stderr.resume();
    if (this.options.stalled) {
      // Never read: once ssh2's buffer (one window) is full it stops granting the server window.
      channel.pause();
      return;
    }
    channel.on('data', (data: Buffer) => {
      this.bytes += data.length;
      this.pendingWrites += 1;
      this.screen.term.write(data, () => {
        this.pendingWrites -= 1;
        if (this.watches.length) this.check();
      });
    });
  }

  /** True when `text` is on one of the `span` rows that end at the cursor's row. */
  nearCursor(text: string, span = 3): boolean {
    const buffer = this.screen.term.buffer.active;
    const y = buffer.baseY + buffer.cursorY;
    for (let row = Math.max(0, y - span + 1); row <= y; row++) {
      if (buffer.getLine(row)?.translateToString(true).includes(text)) return true;
    }
    return false;
  }

  /** Resolves with performance.now() at the first rendered write after which `text` is near the cursor. */
  whenVisible(text: string): Promise<number> {
    if (this.pendingWrites === 0 && this.nearCursor(text)) return Promise.resolve(performance.now());
    return new Promise<number>((resolve) => this.watches.push({ text, resolve }));
  }

  /**
   * Stops reading the connection (nothing is decrypted or rendered) until resumeReading(). The
   * server cannot tell: what it sends waits in the kernel's socket buffer, as it would on its way
   * to a guest on another machine.
   */
  holdReading(): void {
    this.socket?.pause();
  }

  resumeReading(): void {
    this.socket?.resume();
  }

  /** Forgets pending watches (a sample that timed out). */
  clearWatches(): void {
    this.watches = [];
  }

  private check(): void {
    const now = performance.now();
    this.watches = this.watches.filter((w) => {
      if (!this.nearCursor(w.text)) return true;
      w.resolve(now);
      return false;
    });
  }

  close(): void {
    this.closed = true;
    this.watches = [];
    try {
      this.client.end();
    } catch {
      // already closed
    }
    this.client.destroy();
    this.screen.dispose();
  }
}
