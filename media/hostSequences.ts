// The webview's side of the watchers' escape-sequence policy (src/watcher/sequencePolicy.ts says
// what is kept and why). The bytes were already filtered by the same policy in the extension
// (src/watcher/outputFilter.ts); these xterm.js handlers run first and apply it again, so a
// sequence that slipped past the filter is still not acted on.
import type { IDisposable, Terminal } from '@xterm/xterm';
import { DROPPED_CSI, DROPPED_DCS, keptPrivateModes, oscAllowed, GUARDED_OSC_NUMBERS } from '../src/watcher/sequencePolicy';

function modeNumbers(params: (number | number[])[]): number[] {
  return params.map((p) => (Array.isArray(p) ? p[0] : p));
}

function filterPrivateModes(terminal: Terminal, final: 'h' | 'l'): IDisposable {
  return terminal.parser.registerCsiHandler({ prefix: '?', final }, (params) => {
    const modes = modeNumbers(params);
    const kept = keptPrivateModes(modes);
    if (kept.length === modes.length) return false; // nothing to refuse: xterm.js handles it
    // Re-issue the harmless part (alternate screen, cursor visibility, …) without the refused modes.
    if (kept.length > 0) terminal.write(`\x1b[?${kept.join(';')}${final}`);
    return true;
  });
}

export function guardHostSequences(terminal: Terminal): IDisposable[] {
  // A handler returning true swallows the sequence; false lets xterm.js act on it.
  const handlers: IDisposable[] = GUARDED_OSC_NUMBERS.map((code) => terminal.parser.registerOscHandler(code, (data) => !oscAllowed(`${code};${data}`)));
  for (const form of DROPPED_CSI) handlers.push(terminal.parser.registerCsiHandler(form, () => true));
  for (const form of DROPPED_DCS) handlers.push(terminal.parser.registerDcsHandler(form, () => true));
  handlers.push(filterPrivateModes(terminal, 'h'), filterPrivateModes(terminal, 'l'));
  return handlers;
}
