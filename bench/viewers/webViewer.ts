// A bench viewer as a browser guest: a `ws` WebSocket to the page's socket, with the page's
// Origin, speaking the page's protocol (src/wire/webGuestProtocol.ts): it says its size first,
// then renders the binary frames (terminal output) as the page's xterm.js would.
import { WebSocket } from 'ws';
import { PageMessage, ServerMessage } from '../../src/wire/webGuestProtocol';
import { BenchViewer, ViewerOptions } from './benchViewer';

export interface WebViewerTarget {
  kind: 'web';
  /** The page's WebSocket, ws://HOST:PORT/w/SECRET/socket. */
  socketUrl: string;
  /** The page's own origin, http://HOST:PORT: the only Origin the socket accepts. */
  origin: string;
}

/** The target for a broadcast's page link (the web route's describe().join, status --json web.url). */
export function webViewerTarget(pageLink: string): WebViewerTarget {
  const page = new URL(pageLink);
  const socket = new URL('socket', page);
  socket.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  return { kind: 'web', socketUrl: socket.href, origin: page.origin };
}

/** Opens the socket and says the viewer's size; resolves once it is said. */
export function connectWebViewer(target: WebViewerTarget, options: ViewerOptions): Promise<BenchViewer> {
  const viewer = new BenchViewer(options);
  const ws = new WebSocket(target.socketUrl, { origin: target.origin, perMessageDeflate: false });
  viewer.attach({
    // Pauses the TCP socket under it: frames pile up in the kernel, then in the server's buffer.
    holdReading: () => ws.pause(),
    resumeReading: () => ws.resume(),
    close: () => ws.terminate(),
  });
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise<BenchViewer>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`viewer's page socket did not open within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      viewer.close();
      reject(error);
    };
    ws.on('error', fail);
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body = (body + d.toString('utf8')).slice(0, 300)));
      res.on('end', () => fail(new Error(`the page socket was refused: HTTP ${res.statusCode} ${body.trim()}`)));
      res.on('error', () => fail(new Error(`the page socket was refused: HTTP ${res.statusCode}`)));
    });
    ws.on('close', (code, reason) => {
      viewer.closed = true;
      fail(new Error(`the page socket closed before it opened (${code} ${reason.toString('utf8')})`));
    });
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        viewer.render(data);
        return;
      }
      let message: ServerMessage;
      try {
        message = JSON.parse(data.toString('utf8')) as ServerMessage;
      } catch {
        return; // not the protocol's: nothing a viewer acts on
      }
      // The route refused or ended the view (a bound reached, the broadcast stopping).
      if (message.type === 'end') {
        viewer.closed = true;
        fail(new Error(`the page socket was ended: ${message.reason}: ${message.message}`));
      }
    });
    ws.once('open', () => {
      const size: PageMessage = { type: 'size', cols: options.cols, rows: options.rows };
      ws.send(JSON.stringify(size));
      // Never read: the frames stay in the kernel's buffers, then in the server's send queue.
      if (options.stalled) ws.pause();
      clearTimeout(timer);
      settled = true;
      ws.removeListener('error', fail);
      ws.on('error', () => undefined); // a connection reset at teardown is not a result
      resolve(viewer);
    });
  });
}
