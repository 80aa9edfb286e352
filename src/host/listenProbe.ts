// Is something already answering on "ADDRESS:PORT"? Used before adopting an embedded broadcast
// after a window reload: if its guest server still answers, another process serves it.
import { connect } from 'node:net';

export function splitListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen.trim());
  if (!m) throw new Error(`"${listen}" is not ADDRESS:PORT (e.g. 127.0.0.1:2222).`);
  return { host: m[1] ?? m[2], port: Number(m[3]) };
}

/** True when a TCP connection to `listen` succeeds within `timeoutMs`; 0.0.0.0 / :: probe loopback. */
export function canConnect(listen: string, timeoutMs = 1000): Promise<boolean> {
  let target: { host: string; port: number };
  try {
    target = splitListen(listen);
  } catch {
    return Promise.resolve(false);
  }
  const host = target.host === '0.0.0.0' ? '127.0.0.1' : target.host === '::' ? '::1' : target.host;
  return new Promise((resolve) => {
    const socket = connect({ host, port: target.port });
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
