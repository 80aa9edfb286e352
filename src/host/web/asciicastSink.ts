// The asciinema-compatible live stream's end of the fan-out: a GuestSink over one `ws` WebSocket
// that sends the guest's bytes in the subprotocol the client negotiated (src/wire/castStream.ts):
// the header with the stream's size first, then every write of the guest's feed as one output
// event. A late joiner's first screen and a resynchronisation are snapshots, i.e. more output
// bytes, which every asciinema client simply plays.
//
// How the browser route mounts it at /w/SECRET/stream (webPaths(secret).stream):
//   1. The stream's WebSocketServer gets `handleProtocols: (p) => handleStreamProtocols(p)`, so
//      the handshake answers with the subprotocol we will speak, and a small `maxPayload` (a
//      stream client sends nothing).
//   2. On connection (secret checked; any Origin unless narrowed), call
//      acceptAsciicastSocket(ws, req.headers['sec-websocket-protocol'], {cols, rows, term, title})
//      with the HOST's terminal size (readHostSize, src/tmux/hostSize.ts: the host's client,
//      status line included): a stream has no terminal of its own, so it watches at the host's
//      size. undefined means the socket was refused (closed with a reason): stop there.
//   3. Join the size group of that size with a GuestFeed on the returned sink
//      (new GuestFeed(sink)), TERM xterm-256color (what the players emulate); on ws 'close',
//      remove the member from its group.
//   4. When the host's window size changes: call sink.resize(cols, rows) FIRST, then move the
//      member to the group of the new size (its snapshot then draws on a screen of that size).
//   5. When the view ends (stop, kick, the session ended, the group exited): sink.end(reason).
// Nothing a stream client sends is read: any message closes the socket (read-only; a client
// has nothing to say on this stream).
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { CastHeaderInfo, MonotonicClock } from '../../wire/asciicast';
import { CastStreamEncoder, castStreamEncoder, CLOSE_NO_PROTOCOL, noStreamProtocolReason, offeredProtocols, pickStreamProtocol, StreamFrame, StreamProtocol, STREAM_PROTOCOLS } from '../../wire/castStream';
import { CLOSE_NORMAL, CLOSE_POLICY } from '../../wire/webGuestProtocol';
import type { GuestSink } from '../fanout/guestFeed';

/** Bytes waiting in the socket above which the sink owes a 'drain' once they are sent. */
const HIGH_WATER = 16 * 1024;

export interface AsciicastStreamInfo extends CastHeaderInfo {
  /** Monotonic milliseconds for event times (performance.now() by default; tests pass their own). */
  clock?: MonotonicClock;
  /** The subprotocols this server speaks (all by default); the same list given to handleStreamProtocols. */
  protocols?: readonly StreamProtocol[];
}

export class AsciicastSink extends EventEmitter implements GuestSink {
  private ended = false;
  /** writableLength went above HIGH_WATER: a 'drain' is due once the socket has sent it all. */
  private owesDrain = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly encoder: CastStreamEncoder,
    info: CastHeaderInfo,
  ) {
    super();
    this.sendFrames(encoder.start(info));
    ws.on('message', () => this.end('a stream client sends nothing', CLOSE_POLICY));
    ws.on('close', () => {
      this.ended = true;
    });
  }

  get protocol(): StreamProtocol {
    return this.encoder.protocol;
  }

  get writable(): boolean {
    return !this.ended && this.ws.readyState === WebSocket.OPEN;
  }

  get writableLength(): number {
    return this.ws.bufferedAmount;
  }

  /** One write of the guest's feed: one output event (none while a character is incomplete). */
  write(data: Buffer, done: () => void): boolean {
    if (!this.writable) {
      setImmediate(done);
      return false;
    }
    this.sendFrames(this.encoder.output(data), done);
    return this.ws.bufferedAmount < HIGH_WATER;
  }

  /** The host's window size changed; call before the member moves to the group of the new size. */
  resize(cols: number, rows: number): void {
    if (this.writable) this.sendFrames(this.encoder.resize(cols, rows));
  }

  /** A labelled point in the stream (asciicast "m", ALiS marker; raw has none). */
  marker(label: string): void {
    if (this.writable) this.sendFrames(this.encoder.marker(label));
  }

  /**
   * Ends the stream: the encoder's last frames (ALiS: end of stream), then a close (1000) that
   * the player shows as ended rather than retrying. `reason` is the close reason, which
   * asciinema-player shows for an ALiS stream (the others show "Stream ended").
   */
  end(reason = 'Stream ended', code = CLOSE_NORMAL): void {
    if (this.ended) return;
    if (this.ws.readyState === WebSocket.OPEN) this.sendFrames(this.encoder.end());
    this.ended = true;
    this.ws.close(code, truncateReason(reason));
  }

  private sendFrames(frames: StreamFrame[], done?: () => void): void {
    if (frames.length === 0) {
      // Nothing to send yet (half a character): done, but never inside the caller's write().
      if (done) setImmediate(done);
      return;
    }
    frames.forEach((frame, i) => {
      const last = i === frames.length - 1;
      const sent = (): void => {
        if (last) done?.();
        this.maybeDrain();
      };
      if ('text' in frame) this.ws.send(frame.text, { binary: false }, sent);
      else this.ws.send(frame.binary, { binary: true }, sent);
    });
    if (this.ws.bufferedAmount >= HIGH_WATER) this.owesDrain = true;
  }

  private maybeDrain(): void {
    if (this.owesDrain && this.ws.bufferedAmount === 0) {
      this.owesDrain = false;
      this.emit('drain');
    }
  }
}

/** A close reason is at most 123 bytes of UTF-8. */
function truncateReason(reason: string): string {
  let out = reason;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}

/**
 * Starts the asciinema-compatible stream on a just-opened WebSocket: the subprotocol the
 * handshake agreed on (handleStreamProtocols; none offered at all means raw), the header with
 * `info`'s size, and a sink for the guest's feed. Refuses (closes with CLOSE_NO_PROTOCOL and a
 * reason naming what we speak) and returns undefined when the client offered only subprotocols
 * we do not speak.
 */
export function acceptAsciicastSocket(ws: WebSocket, offered: string | string[] | undefined, info: AsciicastStreamInfo): AsciicastSink | undefined {
  const { clock, protocols = STREAM_PROTOCOLS, ...header } = info;
  const offers = offeredProtocols(offered);
  // What the handshake answered is what the client will parse: it must be one we speak, or (no
  // header sent back) the client assumes raw, which is right only if it asked for nothing.
  const agreed = ws.protocol || (offers.length === 0 ? pickStreamProtocol([], protocols) : undefined);
  const protocol = protocols.find((p) => p === agreed);
  if (!protocol) {
    ws.close(CLOSE_NO_PROTOCOL, noStreamProtocolReason(protocols));
    return undefined;
  }
  const started = { timestamp: Date.now() / 1000, ...header };
  return new AsciicastSink(ws, castStreamEncoder(protocol, clock ?? (() => performance.now())), started);
}
