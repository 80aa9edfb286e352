// The screen a size group's viewers see, kept in a headless xterm: what a viewer joining late (or
// one resynchronised after falling behind) is sent before the live stream.
//
// The snapshot must leave the viewer's terminal in the state tmux believes its client's terminal
// is in, because tmux only sends changes: the screen and cursor (addon-serialize), the modes
// (addon-serialize), and two things the addon leaves out that tmux relies on: the scroll region
// (tmux scrolls a pane with DECSTBM + newline) and the current pen (tmux emits SGR only when a
// cell's attributes differ from the last ones it sent).
import { SerializeAddon } from '@xterm/addon-serialize';
import { Terminal } from '@xterm/headless';

/** The parts of xterm's private core read for the snapshot; absent parts are skipped. */
interface PenLike {
  isBold(): number;
  isDim(): number;
  isItalic(): number;
  isUnderline(): number;
  isBlink(): number;
  isInverse(): number;
  isInvisible(): number;
  isStrikethrough(): number;
  isFgDefault(): boolean;
  isFgRGB(): boolean;
  getFgColor(): number;
  isBgDefault(): boolean;
  isBgRGB(): boolean;
  getBgColor(): number;
}
interface CoreLike {
  _core?: {
    buffer?: { scrollTop?: number; scrollBottom?: number };
    coreService?: { isCursorHidden?: boolean };
    _inputHandler?: { _curAttrData?: PenLike };
  };
}

// CAN ends any escape sequence a dropped stream may have cut in half; then plain attributes.
const ABORT = '\x18\x1b[0m';

function colorSgr(isDefault: boolean, isRgb: boolean, color: number, base: 30 | 40): string {
  if (isDefault) return '';
  if (isRgb) return `;${base + 8};2;${(color >> 16) & 255};${(color >> 8) & 255};${color & 255}`;
  if (color < 8) return `;${base + color}`;
  if (color < 16) return `;${base + 60 + color - 8}`;
  return `;${base + 8};5;${color}`;
}

export function penSgr(pen: PenLike): string {
  let sgr = '0';
  if (pen.isBold()) sgr += ';1';
  if (pen.isDim()) sgr += ';2';
  if (pen.isItalic()) sgr += ';3';
  if (pen.isUnderline()) sgr += ';4';
  if (pen.isBlink()) sgr += ';5';
  if (pen.isInverse()) sgr += ';7';
  if (pen.isInvisible()) sgr += ';8';
  if (pen.isStrikethrough()) sgr += ';9';
  sgr += colorSgr(pen.isFgDefault(), pen.isFgRGB(), pen.getFgColor(), 30);
  sgr += colorSgr(pen.isBgDefault(), pen.isBgRGB(), pen.getBgColor(), 40);
  return `\x1b[${sgr}m`;
}

export class ScreenModel {
  private readonly term: Terminal;
  private readonly serializer = new SerializeAddon();

  constructor(cols: number, rows: number) {
    this.term = new Terminal({ cols, rows, scrollback: 0, allowProposedApi: true });
    this.term.loadAddon(this.serializer);
  }

  write(data: string): void {
    this.term.write(data);
  }

  /** Calls `then` once everything written so far is parsed, and nothing written after. */
  whenParsed(then: () => void): void {
    this.term.write('', then);
  }

  /**
   * Bytes that turn any terminal of this size, whatever it showed, into this screen; valid at the
   * point of the stream where whenParsed() called back.
   */
  snapshot(): string {
    const buffer = this.term.buffer.active;
    const core = (this.term as unknown as CoreLike)._core;
    let out = ABORT;
    if (buffer.type === 'alternate') {
      // Only the alternate screen is drawn: the viewer's own normal screen stays as it was,
      // as with tmux itself.
      const normal = this.serializer.serialize({ scrollback: 0, excludeAltBuffer: true, excludeModes: true });
      const full = this.serializer.serialize({ scrollback: 0 });
      out += `\x1b[?1049h\x1b[r\x1b[H\x1b[2J${full.slice(normal.length)}`;
    } else {
      out += `\x1b[?1049l\x1b[r\x1b[H\x1b[2J${this.serializer.serialize({ scrollback: 0 })}`;
    }
    const top = core?.buffer?.scrollTop;
    const bottom = core?.buffer?.scrollBottom;
    if (top !== undefined && bottom !== undefined && (top !== 0 || bottom !== this.term.rows - 1)) {
      out += `\x1b[${top + 1};${bottom + 1}r`;
    }
    // The cursor, absolutely: the addon puts it back with relative moves from the end of the last
    // row, which land short when that row is full (tmux's status line): a terminal's cursor stays
    // on the last column there, where the addon counts one beyond. (DECSTBM above also homes it.)
    out += `\x1b[${buffer.cursorY + 1};${Math.min(buffer.cursorX, this.term.cols - 1) + 1}H`;
    out += core?.coreService?.isCursorHidden ? '\x1b[?25l' : '\x1b[?25h';
    const pen = core?._inputHandler?._curAttrData;
    if (pen) out += penSgr(pen);
    return out;
  }

  dispose(): void {
    this.term.dispose();
  }
}
