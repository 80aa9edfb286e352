// Escape sequences from the broadcast host that a read-only viewer must not act on. tmux already
// re-renders what a guest sees, but the viewer does not rely on that: these handlers run first and
// swallow the sequences, so xterm.js never applies them.
import type { IDisposable, Terminal } from '@xterm/xterm';

/** OSC numbers always swallowed: window/icon title (0, 1, 2: never shown in VS Code), hyperlinks
 * (8: a host must not make a guest open URLs), clipboard (52: a host must not read or write it). */
const SWALLOWED_OSC = [0, 1, 2, 8, 52];

/** Colour OSCs: setting a colour is harmless, but a query ("?") would make xterm.js build a reply. */
const COLOUR_OSC = [4, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 104, 110, 111, 112];

/** DEC private modes that turn on mouse or focus reporting. Refusing them keeps the mouse for
 * selection (a guest should always be able to select and copy) and keeps reports from being made. */
const REPORTING_MODES = new Set([9, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1015, 1016]);

function modeNumbers(params: (number | number[])[]): number[] {
  return params.map((p) => (Array.isArray(p) ? p[0] : p));
}

function filterPrivateModes(terminal: Terminal, final: 'h' | 'l'): IDisposable {
  return terminal.parser.registerCsiHandler({ prefix: '?', final }, (params) => {
    const modes = modeNumbers(params);
    const kept = modes.filter((m) => !REPORTING_MODES.has(m));
    if (kept.length === modes.length) return false; // nothing to refuse: xterm.js handles it
    // Re-issue the harmless part (alternate screen, cursor visibility, …) without the refused modes.
    if (kept.length > 0) terminal.write(`\x1b[?${kept.join(';')}${final}`);
    return true;
  });
}

export function guardHostSequences(terminal: Terminal): IDisposable[] {
  const handlers: IDisposable[] = SWALLOWED_OSC.map((code) => terminal.parser.registerOscHandler(code, () => true));
  for (const code of COLOUR_OSC) {
    handlers.push(terminal.parser.registerOscHandler(code, (data) => data.includes('?')));
  }
  handlers.push(filterPrivateModes(terminal, 'h'), filterPrivateModes(terminal, 'l'));
  return handlers;
}
