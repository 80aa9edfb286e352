// asciicast, the file and stream format of asciinema: one JSON header line, then one JSON array
// per event. Shared by the asciinema-compatible live stream (src/host/web/asciicastSink.ts) and
// recordings, so both write exactly the same lines.
//
//   v2: {"version":2,"width":C,"height":R,"timestamp":UNIX,"title":T,"env":{"TERM":..,"SHELL":..}}
//       [seconds since the header, code, data]
//   v3: {"version":3,"term":{"cols":C,"rows":R,"type":TERM},"timestamp":UNIX,"title":T,"env":{"SHELL":..}}
//       [seconds since the previous event, code, data]
// Codes: "o" output, "r" resize ("COLSxROWS"), "m" marker (a label). Times are written with
// microsecond precision, as asciinema itself does.
//
// Output data is a JSON string, so bytes must become whole characters first: a multi-byte UTF-8
// character split across two chunks of the terminal's output is held back until its last byte
// arrives (Utf8Chunks), never written as two broken halves.
//
// This file may be bundled into a page too: no Node imports (TextDecoder is in both).

export type AsciicastVersion = 2 | 3;

/** Event codes we write: output, resize, marker. */
export type CastEventCode = 'o' | 'r' | 'm';

/** What the header says about the recording or stream. */
export interface CastHeaderInfo {
  cols: number;
  rows: number;
  /** The terminal type the output was made for (TERM). */
  term?: string;
  /** The host's shell (SHELL), as asciinema records it. */
  shell?: string;
  /** Wall-clock start, in Unix seconds (whole). */
  timestamp?: number;
  title?: string;
}

/** A monotonic clock in milliseconds (performance.now() by default); never the wall clock. */
export type MonotonicClock = () => number;

/** Seconds as asciinema writes them: up to six decimals, no exponent, never negative. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) seconds = 0;
  // toFixed never uses an exponent below 1e21; trailing zeros are trimmed to keep lines short.
  return seconds.toFixed(6).replace(/\.?0+$/, '') || '0';
}

/** "COLSxROWS", the data of a resize event. */
export function sizeData(cols: number, rows: number): string {
  return `${cols}x${rows}`;
}

function envOf(info: CastHeaderInfo, withTerm: boolean): Record<string, string> | undefined {
  const env: Record<string, string> = {};
  if (withTerm && info.term) env.TERM = info.term;
  if (info.shell) env.SHELL = info.shell;
  return Object.keys(env).length > 0 ? env : undefined;
}

function checkSize(cols: number, rows: number): void {
  if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1) {
    throw new RangeError(`an asciicast terminal size must be whole positive numbers, not ${cols}x${rows}`);
  }
}

/** The v2 header line (no newline). */
export function v2HeaderLine(info: CastHeaderInfo): string {
  checkSize(info.cols, info.rows);
  const header: Record<string, unknown> = { version: 2, width: info.cols, height: info.rows };
  if (info.timestamp !== undefined) header.timestamp = Math.floor(info.timestamp);
  if (info.title !== undefined) header.title = info.title;
  const env = envOf(info, true);
  if (env) header.env = env;
  return JSON.stringify(header);
}

/** The v3 header line (no newline). */
export function v3HeaderLine(info: CastHeaderInfo): string {
  checkSize(info.cols, info.rows);
  const term: Record<string, unknown> = { cols: info.cols, rows: info.rows };
  if (info.term) term.type = info.term;
  const header: Record<string, unknown> = { version: 3, term };
  if (info.timestamp !== undefined) header.timestamp = Math.floor(info.timestamp);
  if (info.title !== undefined) header.title = info.title;
  const env = envOf(info, false);
  if (env) header.env = env;
  return JSON.stringify(header);
}

/**
 * One event line (no newline): `[time, code, data]`, the time in seconds (since the header in
 * v2, since the previous event in v3). JSON.stringify escapes every control character (as \n,
 * \u001b, ...), quotes and backslashes, so any output is one valid line.
 */
export function eventLine(seconds: number, code: CastEventCode, data: string): string {
  return `[${formatSeconds(seconds)}, ${JSON.stringify(code)}, ${JSON.stringify(data)}]`;
}

/**
 * Bytes to whole characters, across chunks: a character whose bytes are split between chunks
 * comes out with the chunk that completes it. Bytes that are not UTF-8 become U+FFFD, as in
 * every terminal that decodes UTF-8.
 */
export class Utf8Chunks {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

  /** The characters completed by `bytes` (possibly none). */
  push(bytes: Uint8Array): string {
    return this.decoder.decode(bytes, { stream: true });
  }

  /** What is left at the end of the stream: an incomplete character becomes U+FFFD. */
  end(): string {
    return this.decoder.decode();
  }
}

/**
 * An asciicast writer for one stream or file: it keeps the time origin (the header), the time of
 * the last event (v3 intervals, and times never run backwards) and the UTF-8 state. Each method
 * returns the line to write (no newline), or undefined when there is nothing to write yet.
 */
export class AsciicastEncoder {
  private readonly text = new Utf8Chunks();
  private origin: number | undefined;
  /** Microseconds since the header of the last event written (whole, so v3 intervals add up exactly). */
  private lastUs = 0;

  constructor(
    readonly version: AsciicastVersion,
    private readonly clock: MonotonicClock,
  ) {}

  /** The header; the stream's time starts here. */
  header(info: CastHeaderInfo): string {
    this.origin = this.clock();
    this.lastUs = 0;
    return this.version === 2 ? v2HeaderLine(info) : v3HeaderLine(info);
  }

  /** Terminal output (bytes as the terminal got them). */
  output(bytes: Uint8Array): string | undefined {
    const data = this.text.push(bytes);
    return data ? this.event('o', data) : undefined;
  }

  resize(cols: number, rows: number): string {
    checkSize(cols, rows);
    return this.event('r', sizeData(cols, rows));
  }

  marker(label: string): string {
    return this.event('m', label);
  }

  /** The end of the output: a character left incomplete is written as U+FFFD. */
  end(): string | undefined {
    const rest = this.text.end();
    return rest ? this.event('o', rest) : undefined;
  }

  private event(code: CastEventCode, data: string): string {
    if (this.origin === undefined) throw new Error('asciicast: an event before the header');
    const nowUs = Math.max(this.lastUs, Math.round((this.clock() - this.origin) * 1000));
    const us = this.version === 2 ? nowUs : nowUs - this.lastUs;
    this.lastUs = nowUs;
    return eventLine(us / 1e6, code, data);
  }
}
