// Sizing the viewer's terminal. "my size": as many cells as the panel holds at the terminal font
// (the FitAddon). "fit": exactly the host's cols x rows, with the font scaled so all of it fits
// the panel: no cropped right columns or status line, no tmux dots. The font may grow up to
// MAX_SCALE times the terminal font to fill a large panel, and shrinks as far as MIN_FONT_PX.
import type { Terminal } from '@xterm/xterm';
import type { FitAddon } from '@xterm/addon-fit';
import type { TerminalSize } from '../src/ui/protocol';

const MIN_FONT_PX = 4;
const MAX_SCALE = 2;
/** xterm.js's scroll bar (the FitAddon leaves room for it too). */
const SCROLLBAR_PX = 14;

interface RenderDimensions {
  css: { cell: { width: number; height: number } };
}
/** The cell size xterm.js measured; it has no public API for it (the FitAddon reads the same). */
function cellSize(terminal: Terminal): { width: number; height: number } | undefined {
  const core = (terminal as unknown as { _core?: { _renderService?: { dimensions?: RenderDimensions } } })._core;
  const cell = core?._renderService?.dimensions?.css.cell;
  return cell && cell.width > 0 && cell.height > 0 ? { width: cell.width, height: cell.height } : undefined;
}

/** The room the terminal has inside its container, as the FitAddon computes it. */
function room(terminal: Terminal): { width: number; height: number } | undefined {
  const parent = terminal.element?.parentElement;
  if (!parent) return undefined;
  const style = getComputedStyle(parent);
  const width = Number.parseFloat(style.width) - (terminal.options.scrollback === 0 ? 0 : SCROLLBAR_PX);
  const height = Number.parseFloat(style.height);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

/** "my size": the FitAddon's fit at the terminal font. Returns the size in cells. */
export function fitToPanel(terminal: Terminal, fit: FitAddon, baseFontSize: number): TerminalSize {
  if (terminal.options.fontSize !== baseFontSize) terminal.options.fontSize = baseFontSize;
  if (fit.proposeDimensions()) fit.fit();
  return { cols: terminal.cols, rows: terminal.rows };
}

/**
 * "fit": the host's size, the largest font (in 0.5 px steps) whose cells all fit. A bounded
 * loop: the first guess scales the measured cell, then steps down while the screen overflows
 * (cell sizes round to device pixels, so the scale is not exact).
 */
export function fitToHost(terminal: Terminal, host: TerminalSize, baseFontSize: number): number {
  if (terminal.cols !== host.cols || terminal.rows !== host.rows) terminal.resize(host.cols, host.rows);
  const space = room(terminal);
  let cell = cellSize(terminal);
  if (!space || !cell) return terminal.options.fontSize ?? baseFontSize;
  const current = terminal.options.fontSize ?? baseFontSize;
  const scale = Math.min(space.width / (host.cols * cell.width), space.height / (host.rows * cell.height));
  let size = Math.min(baseFontSize * MAX_SCALE, Math.max(MIN_FONT_PX, Math.floor(current * scale * 2) / 2));
  terminal.options.fontSize = size;
  for (let step = 0; step < 40 && size > MIN_FONT_PX; step++) {
    cell = cellSize(terminal);
    if (!cell || (host.cols * cell.width <= space.width && host.rows * cell.height <= space.height)) break;
    size = Math.max(MIN_FONT_PX, size - 0.5);
    terminal.options.fontSize = size;
  }
  return size;
}
