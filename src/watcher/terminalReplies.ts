// A watcher never sends input, so everything xterm.js emits from onData is dropped. But the
// panel wants to say "read-only" once when a person TYPES, and xterm.js also emits data by
// itself: answers to terminal queries (should the filter let one through), focus reports when
// the host enabled them, and mouse reports on clicks. This tells those apart from keystrokes.

export type TerminalInputKind = 'reply' | 'focus' | 'mouse' | 'keys';

// Replies xterm.js generates to queries: DA1/DA2 (CSI ? … c, CSI > … c), DSR (CSI 0 n), CPR
// (CSI r ; c R, also CSI ? r ; c R), DECRPM (CSI ? … $ y), window reports (CSI 4/8 ; … t),
// OSC colour answers (OSC 4/10/11/12 ; rgb:…), DCS answers (DECRQSS, XTVERSION, XTGETTCAP).
const REPLY_PATTERNS: RegExp[] = [
  /^\x1b\[[?>][\d;]*c$/,
  /^\x1b\[\d*n$/,
  /^\x1b\[\??\d+;\d+R$/,
  /^\x1b\[\??[\d;]*\$y$/,
  /^\x1b\[\d+;[\d;]*t$/,
  /^\x1b\](?:4;\d+|1[0-9]);rgb:[0-9a-f/]+(?:\x07|\x1b\\)$/i,
  /^\x1bP[\s\S]*\x1b\\$/,
];

export function classifyTerminalInput(data: string): TerminalInputKind {
  if (data === '\x1b[I' || data === '\x1b[O') return 'focus';
  // SGR (CSI < … M/m), urxvt (CSI … M) and X10 (CSI M + 3 bytes) mouse reports.
  if (/^\x1b\[<\d+;\d+;\d+[Mm]$/.test(data) || /^\x1b\[\d+;\d+;\d+M$/.test(data) || /^\x1b\[M[\s\S]{3}$/.test(data)) return 'mouse';
  if (REPLY_PATTERNS.some((re) => re.test(data))) return 'reply';
  return 'keys';
}
