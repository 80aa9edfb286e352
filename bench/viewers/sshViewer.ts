// A bench viewer as an SSH guest: an ssh2 client on loopback with a pty of its size, logging in
// as `ssh` would and reading the shell channel's output into the viewer's screen.
import { createConnection } from 'node:net';
import { Client } from 'ssh2';
import { BenchViewer, ViewerOptions } from './benchViewer';

export interface SshViewerTarget {
  kind: 'ssh';
  host: '127.0.0.1';
  port: number;
  username: string;
  /** undefined: the "none" method, which an open embedded server and an empty-password guest account accept. */
  password?: string;
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

/** Connects, logs in, opens a shell of the viewer's size; resolves once the channel is open. */
export function connectSshViewer(target: SshViewerTarget, options: ViewerOptions): Promise<BenchViewer> {
  const viewer = new BenchViewer(options);
  const client = new Client();
  // The TCP connection is ours, so that reading can be held (holdReading).
  const socket = createConnection({ host: target.host, port: target.port });
  viewer.attach({
    holdReading: () => socket.pause(),
    resumeReading: () => socket.resume(),
    close: () => {
      try {
        client.end();
      } catch {
        // already closed
      }
      client.destroy();
    },
  });
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
    client.on('error', fail);
    client.on('close', () => {
      viewer.closed = true;
    });
    client.on('ready', () => {
      client.shell({ term: 'xterm-256color', cols: options.cols, rows: options.rows }, (error, channel) => {
        if (error) return fail(error);
        clearTimeout(timer);
        client.removeListener('error', fail);
        client.on('error', () => undefined); // a connection reset at teardown is not a result
        channel.on('close', () => {
          viewer.closed = true;
        });
        channel.stderr.resume();
        if (options.stalled) {
          // Never read: once ssh2's buffer (one window) is full it stops granting the server window.
          channel.pause();
        } else {
          channel.on('data', (data: Buffer) => viewer.render(data));
        }
        resolve(viewer);
      });
    });
    client.connect({
      sock: socket,
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
