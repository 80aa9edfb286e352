// The asciinema-compatible live stream (/w/SECRET/stream): which WebSocket subprotocol a client
// gets, and one encoder per stream that turns terminal bytes into that protocol's frames.
//
// asciinema-player's websocket driver offers, in its order of preference:
//   v1.alis       binary frames (alis.ts)
//   v2.asciicast  text frames: the v2 header, then one event line each (asciicast.ts)
//   v3.asciicast  the same in v3 (intervals between events)
//   raw           binary frames of plain terminal output; the first one is the size as xterm's
//                 "resize window" sequence (CSI 8;ROWS;COLS t), which the player reads; a later
//                 size change is the same sequence (a terminal reading raw resizes on it; the
//                 player reads it only at the start of a stream)
// A client that offers no subprotocol at all (websocat, a script) gets raw: what the player and
// plain WebSocket tools assume of a server that names none. A client that offers only others is
// refused: the socket is closed with 1002 (protocol error) and a reason (noStreamProtocolReason), which the
// player shows as "not compatible with the server" instead of reconnecting forever (see
// handleStreamProtocols for how that close reaches a browser).
//
// No Node imports: this may be bundled into a page too.
import { AlisEncoder } from './alis';
import { AsciicastEncoder, CastHeaderInfo, MonotonicClock } from './asciicast';

/** What we implement, in the order we prefer when a client leaves the choice to us. */
export const STREAM_PROTOCOLS = ['v1.alis', 'v2.asciicast', 'v3.asciicast', 'raw'] as const;
export type StreamProtocol = (typeof STREAM_PROTOCOLS)[number];

/** Close code when no offered subprotocol is one we speak (RFC 6455 1002, protocol error). */
export const CLOSE_NO_PROTOCOL = 1002;
/** The close reason then, naming what this server speaks (well under a close reason's 123 bytes). */
export function noStreamProtocolReason(implemented: readonly StreamProtocol[] = STREAM_PROTOCOLS): string {
  return implemented.length > 0 ? `no supported subprotocol: offer one of ${implemented.join(', ')}` : 'this server streams in no subprotocol';
}

function isStreamProtocol(name: string): name is StreamProtocol {
  return (STREAM_PROTOCOLS as readonly string[]).includes(name);
}

/** The names in a Sec-WebSocket-Protocol header ("a, b" or several headers), in order. */
export function offeredProtocols(header: string | string[] | undefined): string[] {
  const joined = Array.isArray(header) ? header.join(',') : (header ?? '');
  return joined.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * The subprotocol for a client that offered `offered` (in its order of preference, as RFC 6455
 * says a client lists them): the first one we implement; raw when it offered none at all;
 * undefined when it offered only ones we do not speak (refuse it: CLOSE_NO_PROTOCOL).
 */
export function pickStreamProtocol(offered: Iterable<string>, implemented: readonly StreamProtocol[] = STREAM_PROTOCOLS): StreamProtocol | undefined {
  const list = [...offered];
  if (list.length === 0) return implemented.includes('raw') ? 'raw' : undefined;
  return list.find((name): name is StreamProtocol => isStreamProtocol(name) && implemented.includes(name));
}

/**
 * For `ws`'s `handleProtocols` option (called only when the client offered something): the
 * subprotocol to answer with. When we speak none of the offers, the answer is the client's first
 * offer all the same, and the connection handler closes the socket at once with
 * CLOSE_NO_PROTOCOL and noStreamProtocolReason(): a browser fails a handshake whose answer names no
 * subprotocol after it offered some (the page sees only 1006, and asciinema-player retries
 * forever), whereas a close with 1002 reaches it, and the player shows "not compatible".
 */
export function handleStreamProtocols(protocols: Set<string>, implemented: readonly StreamProtocol[] = STREAM_PROTOCOLS): string | false {
  const offered = [...protocols];
  return pickStreamProtocol(offered, implemented) ?? offered[0] ?? false;
}

/** One WebSocket frame: a text frame or a binary one. */
export type StreamFrame = { text: string } | { binary: Uint8Array };

/** One client's stream in its protocol. Each method returns the frames to send, in order. */
export interface CastStreamEncoder {
  readonly protocol: StreamProtocol;
  /** The first frames (header/init with the size); the stream's time starts here. */
  start(info: CastHeaderInfo): StreamFrame[];
  /** Terminal output bytes. */
  output(bytes: Uint8Array): StreamFrame[];
  /** The terminal's size changed. */
  resize(cols: number, rows: number): StreamFrame[];
  /** A labelled point in the stream (raw has no way to say it: nothing). */
  marker(label: string): StreamFrame[];
  /** The last frames before the socket closes. */
  end(): StreamFrame[];
}

const text = (line: string | undefined): StreamFrame[] => (line === undefined ? [] : [{ text: line }]);
const binary = (bytes: Uint8Array | undefined): StreamFrame[] => (bytes === undefined ? [] : [{ binary: bytes }]);

/** xterm's "resize the window to ROWS x COLS" (CSI 8 ; rows ; cols t): raw's way of giving the size. */
export function rawSizeSequence(cols: number, rows: number): string {
  return `\x1b[8;${rows};${cols}t`;
}

class AsciicastStream implements CastStreamEncoder {
  private readonly encoder: AsciicastEncoder;
  constructor(readonly protocol: 'v2.asciicast' | 'v3.asciicast', clock: MonotonicClock) {
    this.encoder = new AsciicastEncoder(protocol === 'v2.asciicast' ? 2 : 3, clock);
  }
  start(info: CastHeaderInfo): StreamFrame[] {
    return text(this.encoder.header(info));
  }
  output(bytes: Uint8Array): StreamFrame[] {
    return text(this.encoder.output(bytes));
  }
  resize(cols: number, rows: number): StreamFrame[] {
    return text(this.encoder.resize(cols, rows));
  }
  marker(label: string): StreamFrame[] {
    return text(this.encoder.marker(label));
  }
  end(): StreamFrame[] {
    return text(this.encoder.end());
  }
}

class AlisStream implements CastStreamEncoder {
  readonly protocol = 'v1.alis';
  private readonly encoder: AlisEncoder;
  constructor(clock: MonotonicClock) {
    this.encoder = new AlisEncoder(clock);
  }
  start(info: CastHeaderInfo): StreamFrame[] {
    return this.encoder.start(info.cols, info.rows).map((b) => ({ binary: b }));
  }
  output(bytes: Uint8Array): StreamFrame[] {
    return binary(this.encoder.output(bytes));
  }
  resize(cols: number, rows: number): StreamFrame[] {
    return binary(this.encoder.resize(cols, rows));
  }
  marker(label: string): StreamFrame[] {
    return binary(this.encoder.marker(label));
  }
  end(): StreamFrame[] {
    return this.encoder.end().map((b) => ({ binary: b }));
  }
}

const utf8 = new TextEncoder();

/** Raw: the bytes as they are (the client decodes them as a stream, so splits do no harm). */
class RawStream implements CastStreamEncoder {
  readonly protocol = 'raw';
  start(info: CastHeaderInfo): StreamFrame[] {
    return [{ binary: utf8.encode(rawSizeSequence(info.cols, info.rows)) }];
  }
  output(bytes: Uint8Array): StreamFrame[] {
    return bytes.length > 0 ? [{ binary: bytes }] : [];
  }
  resize(cols: number, rows: number): StreamFrame[] {
    return [{ binary: utf8.encode(rawSizeSequence(cols, rows)) }];
  }
  marker(): StreamFrame[] {
    return [];
  }
  end(): StreamFrame[] {
    return [];
  }
}

/** A fresh encoder for one client's stream. `clock`: monotonic milliseconds. */
export function castStreamEncoder(protocol: StreamProtocol, clock: MonotonicClock): CastStreamEncoder {
  switch (protocol) {
    case 'v1.alis':
      return new AlisStream(clock);
    case 'v2.asciicast':
    case 'v3.asciicast':
      return new AsciicastStream(protocol, clock);
    case 'raw':
      return new RawStream();
  }
}
