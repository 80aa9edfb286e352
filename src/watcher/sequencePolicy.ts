// The escape-sequence policy of our own watchers: what a read-only watcher's terminal may act on
// among the sequences a broadcast host sends. One rule for both: the CLI watcher applies it to the
// byte stream before its user's terminal sees it (outputFilter.ts, also run for the VS Code panel,
// whose bytes come through the same connection), and the webview's xterm.js applies it again as
// parser handlers (media/hostSequences.ts), so a byte that slips past one still meets the other.
// No Node imports: the webview bundle imports this file.
//
// A watcher shows someone else's screen and never types into it, so:
//   ACTS ON  text, SGR colours, cursor moves, erasing, scroll regions, display modes (alternate
//            screen, cursor visibility, wrap, …), the cursor colour tmux sets (OSC 12, reset 112).
//   DROPS    - OSC 52 clipboard writes and reads: a host must never fill or read the watcher's clipboard;
//            - OSC 0/1/2 titles: the host would label the watcher's own window or tab;
//            - OSC 8 hyperlinks (the link text still shows): the target of a link is not what its
//              text says, and a watcher must not be one click from a URL the host picked. tmux 3.3a
//              does not forward OSC 8 at all, so nothing is lost today;
//            - mouse and focus reporting modes (9, 1000-1006, 1015, 1016; 1004): a read-only
//              watcher never sends input, and in the CLI they would take the mouse from its user
//              (no selecting) and put reports on its keyboard input;
//            - every other OSC, colour changes included (OSC 4, 10-19, 104, 110-119): in the CLI
//              they outlive the watch in the user's own terminal, and the panel follows VS Code's theme;
//            - DCS, SOS, PM and APC strings (DECRQSS/XTGETTCAP queries, sixel, kitty graphics);
//            - queries that make a terminal answer (DROPPED_CSI, DECID ESC Z): the answer would be input.
// The guests' own terminals get the same OSC rule from the host side (src/host/guestOutputFilter.ts).

/** The only OSCs a watcher acts on: tmux's cursor colour (set, without a "?" query) and its reset.
 * ASCII only; the text is a regex in JavaScript and in Perl alike (the guest relay uses it too). */
export const ALLOWED_OSC = '^(?:12;[!->@-~]{1,64}|112;?)$';
const allowedOsc = new RegExp(ALLOWED_OSC);

/** `body` is an OSC's text between `ESC ]` and its terminator, e.g. "52;c;aGk=". */
export function oscAllowed(body: string): boolean {
  return allowedOsc.test(body);
}

/** OSC numbers the webview guards with oscAllowed: those xterm.js acts on, and the rest of the
 * dynamic colours (13-19, 113-119) should a later xterm.js act on them too. Others it ignores. */
export const GUARDED_OSC_NUMBERS = [0, 1, 2, 4, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 52, 104, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119];

/** DEC private modes that make a terminal report the mouse (9, 1000-1003, encodings 1005, 1006,
 * 1015, 1016) or focus changes (1004). */
export const REPORTING_MODES: ReadonlySet<number> = new Set([9, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1015, 1016]);

/** The modes of a `CSI ? … h/l` that a watcher applies: all but the reporting ones. */
export function keptPrivateModes(modes: number[]): number[] {
  return modes.filter((m) => !REPORTING_MODES.has(m));
}

/** A CSI form, as xterm.js's registerCsiHandler names it. */
export interface CsiForm {
  prefix?: string;
  intermediates?: string;
  final: string;
}

/** Queries and window operations dropped: DA1/DA2/DA3, DSR/CPR, DECRQM, XTVERSION, window
 * reports and manipulation, DECREQTPARM, DECRQCRA, the kitty keyboard query, XTSMGRAPHICS. */
export const DROPPED_CSI: readonly CsiForm[] = [
  { final: 'c' }, { prefix: '>', final: 'c' }, { prefix: '=', final: 'c' }, { prefix: '?', final: 'c' },
  { final: 'n' }, { prefix: '?', final: 'n' }, { prefix: '>', final: 'n' },
  { intermediates: '$', final: 'p' }, { prefix: '?', intermediates: '$', final: 'p' },
  { prefix: '>', final: 'q' },
  { final: 't' },
  { final: 'x' },
  { intermediates: '*', final: 'y' },
  { prefix: '?', final: 'u' },
  { prefix: '?', final: 'S' },
];

const DROPPED_FINALS = new Set(DROPPED_CSI.map((f) => f.final));

/** Is this complete CSI (the text after `ESC [`, final byte included) one of DROPPED_CSI? */
export function csiDropped(body: string): boolean {
  const final = body[body.length - 1];
  if (!DROPPED_FINALS.has(final)) return false; // most CSIs (SGR, moves): decided at once
  const prefix = /^[<=>?]/.test(body) ? body[0] : '';
  const intermediates = body.slice(prefix.length, -1).replace(/^[0-9;:]*/, '');
  return DROPPED_CSI.some((f) => f.final === final && (f.prefix ?? '') === prefix && (f.intermediates ?? '') === intermediates);
}

/** DCS forms xterm.js answers (DECRQSS, XTGETTCAP); the CLI filter drops every DCS anyway. */
export const DROPPED_DCS: readonly CsiForm[] = [{ intermediates: '$', final: 'q' }, { intermediates: '+', final: 'q' }];
