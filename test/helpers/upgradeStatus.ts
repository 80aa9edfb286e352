// What a WebSocket upgrade was answered with: 101 when it opened, else the refusal's HTTP status
// (-1: no answer at all). The socket is closed either way.
import { WebSocket } from 'ws';

export async function upgradeStatus(url: string, options: { origin?: string; protocols?: string[] } = {}): Promise<number> {
  const ws = new WebSocket(url, options.protocols ?? [], options.origin ? { origin: options.origin } : {});
  const status = await new Promise<number>((resolve) => {
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => resolve(101));
    ws.once('error', () => resolve(-1));
  });
  ws.terminate();
  return status;
}
