// A notice drawn over the bottom rows of a guest's screen (where tmux's status line is), without
// moving the guest's cursor or touching the rest of the screen: a relay uses it while the host's
// link is interrupted, and the snapshot that follows the recovery redraws those rows as they are.
// A guest who has no screen yet (it joined meanwhile) gets noticeScreen: a blank screen with it.

/** The escape sequences that draw `text` (plain ASCII) word-wrapped, in reverse video, on the last rows of a `cols`x`rows` screen. */
export function noticeOverlay(text: string, cols: number, rows: number): string {
  const width = Math.max(1, cols);
  const lines = wrap(text.replace(/[^\x20-\x7e]/g, ''), width).slice(-Math.max(1, rows));
  const top = Math.max(1, rows - lines.length + 1);
  // ESC 7 / ESC 8: save and restore the cursor and its attributes around the drawing.
  let out = '\x1b7';
  lines.forEach((line, i) => {
    out += `\x1b[${top + i};1H\x1b[0;7m${line.padEnd(width).slice(0, width)}`;
  });
  return `${out}\x1b[0m\x1b8`;
}

/**
 * A blank screen with the notice on its last rows, for a guest who has nothing to see yet: the
 * alternate screen, as tmux's own screen is, so the guest's terminal keeps its own normal screen
 * and gets it back when the view ends (LEAVE_ALT_SCREEN); the host's screen, when it comes, is
 * drawn over it by its snapshot.
 */
export function noticeScreen(text: string, cols: number, rows: number): string {
  // CAN: ends a sequence cut in half; plain attributes; the alternate screen, full scroll region, cleared.
  return `\x18\x1b[0m\x1b[?1049h\x1b[r\x1b[H\x1b[2J${noticeOverlay(text, cols, rows)}`;
}

/** Words on lines of at most `width` characters (a word longer than that is cut). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter(Boolean)) {
    if (!line) line = word.slice(0, width);
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word.slice(0, width);
    }
  }
  if (line) lines.push(line);
  return lines;
}
