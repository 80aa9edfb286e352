// ALiS v1, asciinema's live stream protocol (WebSocket subprotocol "v1.alis"): binary frames.
//   1st frame: the magic "ALiS\x01".
//   init  0x01 LAST_ID TIME COLS ROWS THEME INIT_LEN INIT   (THEME 0: none; TIME in µs)
//   'o'   ID REL_TIME LEN TEXT      output (REL_TIME: µs since the previous event)
//   'r'   ID REL_TIME COLS ROWS     resize
//   'm'   ID REL_TIME LEN LABEL     marker
//   0x04                             end of stream (EOT)
// Every number is an unsigned LEB128 integer; texts are UTF-8. asciinema-player decodes each
// output frame on its own (not as a stream), so a frame must hold whole characters only: the
// output goes through Utf8Chunks like asciicast's does.
//
// No Node imports: this may be bundled into a page too.
import { MonotonicClock, Utf8Chunks } from './asciicast';

export const ALIS_MAGIC = new Uint8Array([0x41, 0x4c, 0x69, 0x53, 0x01]); // "ALiS\x01"
const INIT = 0x01;
const OUTPUT = 0x6f; // 'o'
const RESIZE = 0x72; // 'r'
const MARKER = 0x6d; // 'm'
const EOT = 0x04;

/** Unsigned LEB128 of a whole number up to 2^53 (arithmetic, not bit operations, which stop at 2^31). */
export function leb128(value: number): number[] {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`LEB128 needs a whole number >= 0, not ${value}`);
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

const utf8 = new TextEncoder();

function frame(type: number, numbers: number[], text?: Uint8Array): Uint8Array {
  const head = [type];
  for (const n of numbers) head.push(...leb128(n));
  if (text) head.push(...leb128(text.length));
  const out = new Uint8Array(head.length + (text?.length ?? 0));
  out.set(head, 0);
  if (text) out.set(text, head.length);
  return out;
}

/** One ALiS stream: event ids, the time of the last event, and the UTF-8 state. */
export class AlisEncoder {
  private readonly text = new Utf8Chunks();
  private origin: number | undefined;
  private lastUs = 0;
  private lastId = 0;

  constructor(private readonly clock: MonotonicClock) {}

  /** The magic and the init frame (the stream's size; its time starts here at 0). */
  start(cols: number, rows: number): Uint8Array[] {
    this.origin = this.clock();
    this.lastUs = 0;
    return [ALIS_MAGIC, frame(INIT, [this.lastId, 0, cols, rows, 0, 0])];
  }

  output(bytes: Uint8Array): Uint8Array | undefined {
    return this.textFrame(OUTPUT, this.text.push(bytes));
  }

  resize(cols: number, rows: number): Uint8Array {
    return frame(RESIZE, [++this.lastId, this.relTime(), cols, rows]);
  }

  marker(label: string): Uint8Array {
    return frame(MARKER, [++this.lastId, this.relTime()], utf8.encode(label));
  }

  /** What is left of the output (an incomplete character as U+FFFD), then end of stream. */
  end(): Uint8Array[] {
    const rest = this.textFrame(OUTPUT, this.text.end());
    return rest ? [rest, new Uint8Array([EOT])] : [new Uint8Array([EOT])];
  }

  private textFrame(type: number, data: string): Uint8Array | undefined {
    if (!data) return undefined;
    return frame(type, [++this.lastId, this.relTime()], utf8.encode(data));
  }

  private relTime(): number {
    if (this.origin === undefined) throw new Error('ALiS: an event before the init frame');
    const nowUs = Math.max(this.lastUs, Math.round((this.clock() - this.origin) * 1000));
    const rel = nowUs - this.lastUs;
    this.lastUs = nowUs;
    return rel;
  }
}
