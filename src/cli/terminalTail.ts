// What the watcher's own terminal was last told by the host's stream, so the watcher's closing
// line lands right: whether the alternate screen is still on (leaving it moves the cursor back to
// where it was saved, over earlier text, so it is left only when it is on), whether the cursor is
// at the start of a line, and whether the host already said the broadcast ended (then the watcher
// does not say it a second time).
import { ENDED_MESSAGE } from '../host/messages';

const ALT_SCREEN = /\x1b\[\?(?:1049|1047|47)([hl])/g;
// CSI, OSC (ended by BEL or ST), DCS/APC/PM/SOS strings, charset selection, other two-byte escapes.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[P_^X][^\x1b]*\x1b\\|\x1b[()*+][0-~]|\x1b[^[\]P_^X()*+]/g;
const KEEP = 2048;

export class TerminalTail {
  private raw = '';
  private alt = false;
  private readonly decoder = new TextDecoder('utf-8');

  feed(bytes: Uint8Array | string): void {
    const data = typeof bytes === 'string' ? bytes : this.decoder.decode(bytes, { stream: true });
    // The end of the previous chunk goes along, so a sequence split across two chunks is seen.
    const joined = this.raw.slice(-16) + data;
    for (const m of joined.matchAll(ALT_SCREEN)) this.alt = m[1] === 'h';
    this.raw = (this.raw + data).slice(-KEEP);
  }

  /** True while the host's stream has the alternate screen on. */
  get altScreen(): boolean {
    return this.alt;
  }

  /** The last text shown, escape sequences removed. */
  private text(): string {
    return this.raw.replace(ESCAPES, '');
  }

  /** Whether the cursor is at the start of a line (nothing shown yet counts as such). */
  get atLineStart(): boolean {
    const text = this.text().replace(/[^\n\r -\u{10ffff}]/gu, '');
    return text === '' || /[\r\n]$/.test(text);
  }

  /** Whether the host's stream ended with our "the broadcast has ended" line, on the main screen. */
  get hostSaidEnded(): boolean {
    return !this.alt && this.text().trimEnd().endsWith(ENDED_MESSAGE);
  }
}
