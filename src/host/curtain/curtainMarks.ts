// Where the curtain goes down and up, in the byte stream of a read-only tmux client.
//
// The curtain is tmux's own lock (src/host/curtain/curtainTmux.ts): a locked client gets nothing
// of the session, and runs the curtain program (curtainProgram.ts), whose output is all its
// terminal shows. That program writes these two APC strings around its screen, so whoever reads
// a client's output knows, at the exact byte, where the session stops and starts again: the
// fan-out keeps them (GuestOutputFilter with keepCurtainMarks) and turns them into StreamMarks for
// its members (a recording writes a marker there and nothing between). No guest's terminal gets
// them: the size group takes them out of the stream, and the system mode's relay drops every APC.
//
// Only a tmux client's own lock command can put these bytes in its stream: tmux never passes an
// APC from a pane to its clients (it takes them as pane titles).

/** Written by the curtain program before its screen. */
export const CURTAIN_DOWN_MARK = '\x1b_guest-broadcast:curtain-down\x1b\\';
/** Written by the curtain program when the curtain lifts, just before tmux redraws the session. */
export const CURTAIN_UP_MARK = '\x1b_guest-broadcast:curtain-up\x1b\\';

/** An event at a point of a guest's stream, delivered in order with its bytes (GuestSink.mark). */
export interface StreamMark {
  curtain: 'down' | 'up';
}

const MARKS = /\x1b_guest-broadcast:curtain-(down|up)\x1b\\/g;

/** True when `text` holds a curtain mark (the cheap test before splitting). */
export function hasCurtainMark(text: string): boolean {
  return text.includes('\x1b_guest-broadcast:curtain-');
}

/** `text` as its pieces of output and the marks between them, in order; no empty pieces. */
export function splitCurtainMarks(text: string): Array<string | StreamMark> {
  const parts: Array<string | StreamMark> = [];
  let at = 0;
  for (const m of text.matchAll(MARKS)) {
    const index = m.index ?? 0;
    if (index > at) parts.push(text.slice(at, index));
    parts.push({ curtain: m[1] === 'down' ? 'down' : 'up' });
    at = index + m[0].length;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}

/** Is the curtain down at the end of `text`, given whether it was down at its start? */
export function curtainAfter(text: string, downBefore: boolean): boolean {
  let down = downBefore;
  for (const m of text.matchAll(MARKS)) down = m[1] === 'down';
  return down;
}
