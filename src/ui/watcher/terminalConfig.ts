// The viewer looks like the integrated terminal: its font, size, spacing, scrollback and GPU
// choice come from `terminal.integrated.*` (falling back to the editor's font like the terminal
// does). Plain Node: it reads through a getter, so unit tests need no VS Code.
import type { TerminalConfig } from '../protocol';

/** `(section, key) => value`, e.g. vscode.workspace.getConfiguration(section).get(key). */
export type SettingReader = (section: string, key: string) => unknown;

/** Settings whose change means the open viewers must get a new config. */
export const WATCHED_SETTINGS = ['terminal.integrated', 'editor.fontFamily', 'editor.fontSize', 'editor.accessibilitySupport'];

function number(value: unknown, fallback: number, min: number, max: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** "normal", "bold" or 1-1000, as the terminal accepts; anything else falls back. */
function weight(value: unknown, fallback: string): string {
  const s = typeof value === 'number' ? String(value) : text(value);
  if (s === 'normal' || s === 'bold') return s;
  const n = Number(s);
  return s !== '' && Number.isInteger(n) && n >= 1 && n <= 1000 ? s : fallback;
}

export function readTerminalConfig(get: SettingReader): TerminalConfig {
  const terminal = (key: string) => get('terminal.integrated', key);
  const editorFontSize = number(get('editor', 'fontSize'), 14, 6, 100);
  const gpu = terminal('gpuAcceleration');
  const fontSize = terminal('fontSize');
  return {
    fontFamily: text(terminal('fontFamily')) || text(get('editor', 'fontFamily')),
    // 0 or unset means "same as the editor", like the terminal.
    fontSize: fontSize === 0 ? editorFontSize : number(fontSize, editorFontSize, 6, 100),
    lineHeight: number(terminal('lineHeight'), 1, 1, 8),
    letterSpacing: number(terminal('letterSpacing'), 0, -5, 20),
    fontWeight: weight(terminal('fontWeight'), 'normal'),
    fontWeightBold: weight(terminal('fontWeightBold'), 'bold'),
    scrollback: Math.round(number(terminal('scrollback'), 1000, 0, 100_000)),
    gpuAcceleration: gpu === 'off' || gpu === 'on' ? gpu : 'auto',
    cursorBlink: terminal('cursorBlinking') === true,
    minimumContrastRatio: number(terminal('minimumContrastRatio'), 4.5, 1, 21),
    // "auto" cannot be seen from an extension; only an explicit "on" turns the mode on.
    screenReaderMode: get('editor', 'accessibilitySupport') === 'on',
  };
}
