// Is something already answering on "ADDRESS:PORT"? Used before adopting an embedded broadcast
// after a window reload: if its guest server still answers, another process serves it.
import { connect } from 'node:net';
import { isWildcard, parseListen } from './embedded/listen';

/** True when a TCP connection to `listen` succeeds within `timeoutMs`; a wildcard probes loopback. */
export function canConnect(listen: string, timeoutMs = 1000): Promise<boolean> {
  let target: { host: string; port: number };
  try {
    target = parseListen(listen);
  } catch {
    return Promise.resolve(false);
  }
  const host = isWildcard(target.host) ? (target.host === '::' ? '::1' : '127.0.0.1') : target.host;
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
