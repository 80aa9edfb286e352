// The CLI watcher's side of the watchers' escape-sequence policy (sequencePolicy.ts, which says
// what is kept and why): a filter over the byte stream from the broadcast host, run before the
// viewer's terminal (the CLI user's own terminal, or the panel's xterm.js) sees anything. tmux
// already re-renders the pane, so raw program output never arrives; this guards against what tmux
// itself forwards and against a hostile or odd server.
//
// Passed unchanged: text, C0 controls, ESC sequences other than DECID, and CSI sequences other
// than the dropped queries; a `CSI ? … h/l` loses its reporting modes (the rest of it stays).
// Of the string sequences only the OSCs the policy allows pass; every other OSC, and every DCS,
// SOS, PM and APC string, is dropped whole (nothing else with it).
// C1 introducers written as UTF-8 (U+0090, U+009B, U+009D, U+0098, U+009E, U+009F) are treated
// like their ESC forms, since xterm.js honours them. The filter keeps state between chunks, so
// a sequence split across network reads is judged whole.
import { csiDropped, keptPrivateModes, oscAllowed } from './sequencePolicy';

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;

/** Longest sequence buffered for a decision; beyond it the sequence is dropped unseen. */
const MAX_CSI = 512;
const MAX_OSC = 8192;

type State =
  | 'ground'
  | 'c2' // saw 0xC2, maybe the first byte of a C1 control in UTF-8
  | 'esc'
  | 'escInter'
  | 'csi'
  | 'osc'
  | 'oscEsc' // saw ESC inside an OSC: ST (ESC \) or a new sequence
  | 'string' // DCS/SOS/PM/APC: dropped up to ST
  | 'stringEsc'
  | 'oscC2'
  | 'stringC2';

const C1: Record<number, 'csi' | 'osc' | 'string'> = { 0x9b: 'csi', 0x9d: 'osc', 0x90: 'string', 0x98: 'string', 0x9e: 'string', 0x9f: 'string' };

export class OutputFilter {
  private state: State = 'ground';
  private seq: number[] = [];
  private overflow = false;

  /** Filters one chunk; returns what may be shown. Keeps incomplete sequences for the next call. */
  push(chunk: Uint8Array): Uint8Array {
    // Plain text between sequences is copied as whole slices; only sequences go byte by byte.
    const parts: Uint8Array[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'ground') {
        let j = i;
        while (j < chunk.length && chunk[j] !== ESC && chunk[j] !== 0xc2) j++;
        if (j > i) parts.push(chunk.subarray(i, j));
        i = j;
        if (i >= chunk.length) break;
      }
      const out: number[] = [];
      do this.step(chunk[i++], out);
      while (i < chunk.length && this.state !== 'ground');
      if (out.length) parts.push(Uint8Array.from(out));
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  private begin(state: State, bytes: number[]): void {
    this.state = state;
    this.seq = bytes;
    this.overflow = false;
  }

  private collect(b: number, max: number): void {
    if (this.seq.length < max) this.seq.push(b);
    else this.overflow = true;
  }

  private step(b: number, out: number[]): void {
    switch (this.state) {
      case 'ground':
        if (b === ESC) this.begin('esc', [b]);
        else if (b === 0xc2) this.begin('c2', [b]);
        else out.push(b);
        return;
      case 'c2': {
        const kind = C1[b];
        if (kind === 'csi') this.begin('csi', [ESC, 0x5b]);
        else if (kind === 'osc') this.begin('osc', [ESC, 0x5d]);
        else if (kind === 'string') this.begin('string', []);
        else {
          // 0xC2 then ESC or 0xC2 is no character: dropped, or a dropped string after it would
          // make it the first half of a C1 control with the 0x9D that follows (a C1 OSC).
          if (b !== ESC && b !== 0xc2) out.push(0xc2);
          this.state = 'ground';
          this.step(b, out);
        }
        return;
      }
      case 'esc':
        if (b === 0x5b) this.begin('csi', [ESC, b]);
        else if (b === 0x5d) this.begin('osc', [ESC, b]);
        else if (b === 0x50 || b === 0x58 || b === 0x5e || b === 0x5f) this.begin('string', []);
        else if (b === 0x5a) this.state = 'ground'; // DECID: asks for DA, dropped
        // ESC ESC: a terminal drops the first. Passing it would join it to whatever follows a
        // dropped string (ESC, ESC ]0;x BEL, ]52;… would reach the terminal as ESC ]52;…).
        else if (b === ESC) return;
        else if (b >= 0x20 && b <= 0x2f) {
          this.seq.push(b);
          this.state = 'escInter';
        } else if (b === CAN || b === SUB) this.state = 'ground';
        else {
          out.push(ESC, b);
          this.state = 'ground';
        }
        return;
      case 'escInter':
        if (b >= 0x20 && b <= 0x2f) this.collect(b, MAX_CSI);
        else if (b >= 0x30 && b <= 0x7e) {
          if (!this.overflow) out.push(...this.seq, b);
          this.state = 'ground';
        } else this.abort(b, out);
        return;
      case 'csi':
        if (b >= 0x40 && b <= 0x7e) {
          const body = String.fromCharCode(...this.seq.slice(2), b);
          const modeSwitch = (b === 0x68 || b === 0x6c) && this.seq[2] === 0x3f; // CSI ? … h/l
          if (!this.overflow && !csiDropped(body)) {
            if (modeSwitch) out.push(...this.withoutReportingModes(body, b));
            else out.push(...this.seq, b);
          }
          this.state = 'ground';
        } else if (b >= 0x20 && b <= 0x3f) this.collect(b, MAX_CSI);
        else if (b < 0x20 && b !== ESC && b !== CAN && b !== SUB) out.push(b); // executed in place, as terminals do
        else this.abort(b, out);
        return;
      case 'osc':
        if (b === BEL) this.endOsc(out, [BEL]);
        else if (b === ESC) this.state = 'oscEsc';
        else if (b === 0xc2) this.state = 'oscC2';
        else if (b === CAN || b === SUB) this.state = 'ground';
        else this.collect(b, MAX_OSC);
        return;
      case 'oscEsc':
        if (b === 0x5c) this.endOsc(out, [ESC, 0x5c]);
        else {
          // ESC not followed by "\": the OSC is cut short (dropped), a new sequence starts.
          this.state = 'esc';
          this.seq = [ESC];
          this.step(b, out);
        }
        return;
      case 'oscC2':
        if (b === 0x9c) this.endOsc(out, [0xc2, 0x9c]);
        else {
          this.state = 'osc';
          this.collect(0xc2, MAX_OSC);
          this.step(b, out);
        }
        return;
      case 'string':
        if (b === ESC) this.state = 'stringEsc';
        else if (b === 0xc2) this.state = 'stringC2';
        else if (b === CAN || b === SUB) this.state = 'ground';
        return;
      case 'stringEsc':
        if (b === 0x5c) this.state = 'ground';
        else if (b !== ESC) this.state = 'string';
        return;
      case 'stringC2':
        this.state = b === 0x9c ? 'ground' : 'string';
        if (b === ESC) this.state = 'stringEsc';
        return;
    }
  }

  /** The CSI as received, or a `CSI ? … h/l` without its mouse and focus reporting modes (maybe nothing). */
  private withoutReportingModes(body: string, final: number): number[] {
    if (!/^\?[0-9;]*[hl]$/.test(body)) return [...this.seq, final];
    const modes = body.slice(1, -1).split(';').filter(Boolean).map(Number);
    const kept = keptPrivateModes(modes);
    if (kept.length === modes.length) return [...this.seq, final];
    if (kept.length === 0) return [];
    return [...Buffer.from(`\x1b[?${kept.join(';')}`, 'latin1'), final];
  }

  private endOsc(out: number[], terminator: number[]): void {
    const body = Buffer.from(this.seq.slice(2)).toString('utf8');
    if (!this.overflow && oscAllowed(body)) out.push(...this.seq, ...terminator);
    this.state = 'ground';
  }

  /** A byte that cannot continue the sequence: CAN/SUB cancel it, ESC starts a new one. */
  private abort(b: number, out: number[]): void {
    this.state = 'ground';
    if (b === ESC) this.begin('esc', [ESC]);
    else if (b !== CAN && b !== SUB) out.push(b); // the broken sequence itself is dropped
  }
}

/** Filters a whole buffer at once (tests, one-shot use). */
export function filterOutput(data: Uint8Array | string): Uint8Array {
  return new OutputFilter().push(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
}
