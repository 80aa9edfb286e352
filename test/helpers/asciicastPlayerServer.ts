// A stand-in for the browser route's asciinema-compatible stream, for interop tests with clients
// nobody here wrote: one loopback HTTP server that serves a page embedding asciinema-player (from
// node_modules, as a site embedding a broadcast would) and, at /stream, streams a real tmux
// session through the real fan-out (SizeGroups, GuestFeed) and our AsciicastSink, at the host's
// window size, as the route does (see the steps in src/host/web/asciicastSink.ts).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { GuestFeed } from '../../src/host/fanout/guestFeed';
import { SizeGroups } from '../../src/host/fanout/sizeGroups';
import type { GroupMember } from '../../src/host/fanout/sizeGroup';
import { acceptAsciicastSocket, AsciicastSink } from '../../src/host/web/asciicastSink';
import { handleStreamProtocols, StreamProtocol } from '../../src/wire/castStream';
import type { Tmux } from '../../src/tmux/tmux';

const PLAYER_DIST = join(__dirname, '..', '..', '..', 'node_modules', 'asciinema-player', 'dist', 'bundle');

/** The page: the player's own script and stylesheet, and the player on our stream (or on a recording, `cast`). */
function pageHtml(cast: string | null): string {
  const source = cast ? JSON.stringify(`/cast/${encodeURIComponent(cast)}`) : `{ driver: 'websocket', url: 'ws://' + location.host + '/stream' }`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>stream</title>
<link rel="stylesheet" href="/player/asciinema-player.css"></head>
<body><div id="player"></div>
<script src="/player/asciinema-player.min.js"></script>
<script>
  window.player = AsciinemaPlayer.create(
    ${source},
    document.getElementById('player'),
    { autoPlay: true });
</script></body></html>`;
}

export interface PlayerServerOptions {
  tmux: Tmux;
  sessionName: string;
  /** The host's window size: a stream watches at it. */
  cols: number;
  rows: number;
  /** The subprotocols this server speaks (all by default), to test each one with the player. */
  protocols?: readonly StreamProtocol[];
}

export class AsciicastPlayerServer {
  /** Every sink made, in order, with the protocol it speaks. */
  readonly sinks: AsciicastSink[] = [];
  /** Recordings served at /cast/NAME (the page plays one with ?cast=NAME). */
  readonly casts = new Map<string, string>();
  private readonly groups: SizeGroups;
  private readonly sockets = new Set<Socket>();
  private readonly members = new Set<GroupMember>();

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    readonly options: PlayerServerOptions,
  ) {
    this.groups = new SizeGroups({ tmux: options.tmux, sessionName: options.sessionName, maxGroups: 4 });
  }

  static async start(options: PlayerServerOptions): Promise<AsciicastPlayerServer> {
    const implemented = options.protocols;
    const wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (offered: Set<string>) => handleStreamProtocols(offered, implemented),
    });
    let made: AsciicastPlayerServer;
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname;
      if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pageHtml(url.searchParams.get('cast')));
        return;
      }
      const cast = /^\/cast\/([^/]+)$/.exec(path)?.[1];
      if (cast !== undefined && made.casts.has(decodeURIComponent(cast))) {
        res.writeHead(200, { 'content-type': 'application/x-asciicast' }).end(made.casts.get(decodeURIComponent(cast)));
        return;
      }
      const file = /^\/player\/(asciinema-player\.(?:min\.js|css))$/.exec(path)?.[1];
      if (file) {
        res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/css' }).end(readFileSync(join(PLAYER_DIST, file)));
        return;
      }
      res.writeHead(404).end();
    });
    made = new AsciicastPlayerServer(server, wss, options);
    server.on('connection', (socket) => {
      made.sockets.add(socket);
      socket.on('close', () => made.sockets.delete(socket));
    });
    server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/stream') {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => made.onStream(ws, req));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return made;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get streamUrl(): string {
    return `${this.origin.replace(/^http/, 'ws')}/stream`;
  }

  /** What the browser route does for each stream socket. */
  private onStream(ws: WebSocket, req: IncomingMessage): void {
    const { cols, rows } = this.options;
    const offered = req.headers['sec-websocket-protocol'];
    const sink = acceptAsciicastSocket(ws, offered, { cols, rows, term: 'xterm-256color', title: 'test broadcast', protocols: this.options.protocols });
    if (!sink) return;
    this.sinks.push(sink);
    const member: GroupMember = { feed: new GuestFeed(sink), onGroupExit: () => sink.end() };
    this.members.add(member);
    const placement = this.groups.place(member, cols, rows, 'xterm-256color', () => undefined);
    ws.on('close', () => {
      this.members.delete(member);
      placement.group.remove(member);
    });
  }

  async close(): Promise<void> {
    for (const sink of this.sinks) sink.end('test over');
    for (const group of this.groups.list()) for (const m of [...this.members]) group.remove(m);
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
