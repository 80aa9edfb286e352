// How a watcher tells "the broadcast ended" from "the connection was lost". The only clean end
// is the remote command exiting with status 0: a tmux client exits 0 when the host's stop
// replaces it with the farewell message (detach-client -E printf …), when the session's last
// shell exits ("[exited]"), or when the host kicks this viewer; the embedded server closes a
// view with exit-status 0 too. Everything else means "try again":
//   - the connection dropped or sshd closed the channel without an exit status;
//   - a non-zero status: `tmux attach` found no server or no session (the broadcast is not
//     running yet, or is restarting), or the tmux server died ("[server exited]" is status 1);
//   - an exit signal (the client was killed).
// A reconnect that finds no broadcast just keeps backing off, so restarting a broadcast brings
// its viewers back by themselves, while a deliberate stop shows "ended" and leaves them be.
import { visibleText } from './visibleText';

export interface ChannelEnd {
  /** The remote command's exit status, when the server sent one. */
  exitCode?: number;
  exitSignal?: string;
  /** The last line of text the host printed, to say why in a status line. */
  lastLine?: string;
  /** The connection failed instead of the channel closing. */
  error?: Error;
}

export type EndVerdict = { kind: 'ended' } | { kind: 'lost'; reason: string };

export function classifyEnd(end: ChannelEnd): EndVerdict {
  if (!end.error && end.exitCode === 0 && !end.exitSignal) return { kind: 'ended' };
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
  const plain = text
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '')
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b[@-_]/g, '')
    .replace(/[\x00-\x09\x0b-\x1f\x7f]/g, '');
  const lines = plain.split('\n').map((l) => l.trim()).filter(Boolean);
  const last = lines[lines.length - 1];
  return last ? visibleText(last.slice(0, 200)) : undefined;
}
