// A web guest's WebSocket as a GuestSink, so the fan-out treats it exactly as an SSH channel:
// its queue is what ws has not yet handed to the network (ws.bufferedAmount: the socket's own
// buffer plus frames ws still holds), and 'drain' is the TCP (or TLS) socket's. Output goes out
// as BINARY frames (src/wire/webGuestProtocol.ts); text frames are the route's JSON messages.
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { GuestSink } from '../fanout/guestFeed';

export class WebSocketSink implements GuestSink {
  constructor(
    private readonly ws: WebSocket,
    /** The socket the upgrade came on: ws writes to it, and its 'drain' is the queue emptying. */
    private readonly socket: Socket,
  ) {}

  get writable(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  get writableLength(): number {
    return this.ws.bufferedAmount;
  }

  write(data: Buffer, done: () => void): void {
    // A frame sent after the socket started closing is dropped by ws (the callback gets an error).
    this.ws.send(data, { binary: true }, () => done());
  }

  on(event: 'drain', listener: () => void): this {
    this.socket.on(event, listener);
    return this;
  }
}
