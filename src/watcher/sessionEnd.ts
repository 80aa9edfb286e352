// How a watcher tells "the broadcast ended" from "the connection was lost", and both from "the
// server would not show it". The only clean end is the remote command exiting with status 0: a
// tmux client exits 0 when the host's stop replaces it with the farewell message (detach-client
// -E printf …), when the session's last shell exits ("[exited]"), or when the host kicks this
// viewer; the embedded server closes a view with exit-status 0 too.
// A refusal is a view that ends with a non-zero exit status before the server ever drew on the
// terminal: it only printed lines of text (a relay's `no broadcast "ID" is served through this
// relay`, the embedded host's "cannot show the broadcast right now", system mode's "nothing is
// being broadcast" or tmux's own "no sessions"). What shows a broadcast always draws: tmux, the
// embedded host's views and a relay's snapshots start with escape sequences (alternate screen,
// clearing, cursor moves), so "drew" is "sent an ESC". The watcher treats a refusal as a failed
// connection (watchSession.ts): before the first success it is final for that server. Except
// VIEW_EXIT.tryAgain (src/wire/viewExit.ts): a refusal for now only, tried again as a drop is.
// Everything else means "try again":
//   - the connection dropped or sshd closed the channel without an exit status;
//   - a non-zero status after the view drew: the tmux server died ("[server exited]" is status 1);
//   - an exit signal (the client was killed).
// A reconnect that finds no broadcast just keeps backing off, so restarting a broadcast brings
// its viewers back by themselves, while a deliberate stop shows "ended" and leaves them be.
import { VIEW_EXIT } from '../wire/viewExit';
import { visibleText } from './visibleText';

export interface ChannelEnd {
  /** The remote command's exit status, when the server sent one. */
  exitCode?: number;
  exitSignal?: string;
  /** The last line of text the host printed, to say why in a status line. */
  lastLine?: string;
  /** The connection failed instead of the channel closing. */
  error?: Error;
  /** The server drew on the terminal (its output had an escape sequence), not just printed text. */
  drew?: boolean;
  /** Every line of text it printed (the last ones, bounded), for a refusal's words. */
  said?: string;
}

/** refused's reason follows the server's name: "ID@relay:2223 said: …". */
export type EndVerdict = { kind: 'ended' } | { kind: 'lost'; reason: string } | { kind: 'refused'; reason: string };

export function classifyEnd(end: ChannelEnd): EndVerdict {
  if (!end.error && end.exitCode === 0 && !end.exitSignal) return { kind: 'ended' };
  if (!end.error && !end.exitSignal && end.exitCode !== undefined && end.exitCode !== VIEW_EXIT.tryAgain && !end.drew) {
    return { kind: 'refused', reason: end.said ? `said: ${end.said}` : `ended the view with exit status ${end.exitCode} before showing anything` };
  }
  const said = end.lastLine ? `: ${end.lastLine}` : '';
  if (end.error) return { kind: 'lost', reason: `connection lost (${end.error.message})` };
  if (end.exitSignal) return { kind: 'lost', reason: `the host's viewer process was killed (${end.exitSignal})${said}` };
  if (end.exitCode !== undefined) return { kind: 'lost', reason: `the broadcast is not available (exit status ${end.exitCode})${said}` };
  return { kind: 'lost', reason: `the host closed the connection${said}` };
}

/**
 * The last non-empty line of plain text in what the host printed: escape sequences and C0
 * controls are removed (they are how tmux draws), and what could still act on a terminal (C1
 * controls, bidi overrides) is made visible (visibleText.ts): the line is shown outside any
 * output filter.
 */
export function lastTextLine(text: string): string | undefined {
  const lines = textLines(text);
  const last = lines[lines.length - 1];
  return last ? visibleText(last.slice(0, 200)) : undefined;
}

/** All the lines of text in what the host printed, as lastTextLine reads them, on one line (bounded). */
export function allText(text: string): string | undefined {
  const joined = textLines(text).join(' ');
  return joined ? visibleText(joined.slice(-1000)) : undefined;
}

function textLines(text: string): string[] {
  const plain = text
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '')
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b[@-_]/g, '')
    .replace(/[\x00-\x09\x0b-\x1f\x7f]/g, '');
  return plain.split('\n').map((l) => l.trim()).filter(Boolean);
}
