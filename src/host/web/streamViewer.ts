// The asciinema-compatible live stream at /w/SECRET/stream (src/wire/castStream.ts): a client such
// as asciinema-player connects, negotiates a subprotocol, and watches at the host's window size as
// a member of the broadcast's fan-out, like any guest: same late-join snapshot, bounded queue and
// resynchronisation (asciicastSink.ts turns the feed's bytes into the stream's frames).
//
// READ-ONLY: a stream client has nothing to say; any message it sends closes its socket
// (asciicastSink.ts), and nothing from it reaches anything but that close.
// Mounted only when the broadcast asks no passphrase: a player has no way to give one, and the
// secret link alone must not be a way around the access policy.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { handleStreamProtocols } from '../../wire/castStream';
import { normalizeAddress } from '../connectionLimits';
import type { GroupMember } from '../fanout/sizeGroup';
import type { PlacedGroup } from '../fanout/groupPlacer';
import { GuestFeed } from '../fanout/guestFeed';
import { guestTerm } from '../fanout/terminal';
import type { TerminalSize } from '../../wire/hostSize';
import { acceptAsciicastSocket, AsciicastSink } from './asciicastSink';
import type { StreamContext, StreamUpgrade } from './webServer';

/** What players emulate. */
const STREAM_TERM = 'xterm-256color';
/** A stream client sends nothing; a few bytes are enough to refuse what it does send. */
const MAX_CLIENT_MESSAGE = 64;

/** One stream client in the fan-out at the host's size. */
class StreamViewer implements GroupMember {
  readonly feed: GuestFeed;
  private group: PlacedGroup | undefined;
  private size: TerminalSize | undefined;

  constructor(
    private readonly sink: AsciicastSink,
    private readonly context: StreamContext,
  ) {
    this.feed = new GuestFeed(sink);
  }

  /** The host's window size now (first call: join; later: resize, then move). */
  follow(size: TerminalSize): void {
    if (this.size && this.size.cols === size.cols && this.size.rows === size.rows) return;
    const moving = this.size !== undefined;
    this.size = size;
    // The resize first, so the snapshot of the new group draws on a screen of its size.
    if (moving) this.sink.resize(size.cols, size.rows);
    this.group?.remove(this);
    this.group = this.context.groups.place(this, size.cols, size.rows, guestTerm(STREAM_TERM), () => undefined).group;
  }

  onGroupExit(): void {
    this.group = undefined;
    this.sink.end('Stream ended');
  }

  leave(): void {
    this.group?.remove(this);
    this.group = undefined;
  }
}

/** The /stream endpoint for WebRoute (its `stream` hook). */
export function asciicastStream(): StreamUpgrade {
  const server = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE, handleProtocols: (offered) => handleStreamProtocols(offered) });
  return (req: IncomingMessage, socket: Socket, head: Buffer, context: StreamContext) => {
    const address = normalizeAddress(socket.remoteAddress);
    const refusal = context.limits.admit(address);
    if (refusal) {
      socket.end(`HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${refusal}\n`);
      return;
    }
    let released = false;
    const release = (): void => {
      if (!released) context.limits.release(address);
      released = true;
    };
    socket.once('close', release);
    server.handleUpgrade(req, socket, head, (ws) => {
      let viewer: StreamViewer | undefined;
      let refused = false;
      // The first size comes from tmux (at once when known); until then there is no header to send.
      const unsubscribe = context.hostSize.subscribe((size) => {
        if (refused) return;
        if (!viewer) {
          const sink = acceptAsciicastSocket(ws, req.headers['sec-websocket-protocol'], { cols: size.cols, rows: size.rows, term: STREAM_TERM, title: context.session });
          if (!sink) {
            refused = true; // closed with the reason; 'close' unsubscribes
            return;
          }
          viewer = new StreamViewer(sink, context);
        }
        viewer.follow(size);
      });
      ws.once('close', () => {
        unsubscribe();
        viewer?.leave();
        release();
      });
    });
  };
}
