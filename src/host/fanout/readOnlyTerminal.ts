// THE FAN-OUT'S READ-ONLY RULE LIVES HERE. A size group shows the broadcast through one tmux
// client that guests can never type into:
//   1. it is `tmux attach -r` (guestAttachArgv): tmux itself ignores a read-only client's keys;
//   2. it runs in a node-pty whose handle never leaves this file: what a size group (and so every
//      route built on the fan-out: embedded SSH, browser, relay) gets is a ReadOnlyTerminal, which
//      has no write(). No code holding one can send a byte to the tmux client, by type.
// Guests' own input is dropped where it arrives, by each route (see its file's header).
import { guestAttachArgv } from '../../tmux/attach';
import { Tmux } from '../../tmux/tmux';
import { loadNodePty } from '../ptyLoader';
import { guestClientEnv } from './terminal';

/** A read-only tmux client in a terminal of a fixed size: readable, killable, never writable. */
export interface ReadOnlyTerminal {
  readonly pid: number;
  onData(listener: (data: string) => void): void;
  onExit(listener: (exitCode: number) => void): void;
  /** Ends the client (SIGHUP; SIGKILL for one that cannot act on signals: tmux has locked it). */
  kill(signal?: 'SIGHUP' | 'SIGKILL'): void;
}

export interface ReadOnlyClientSpec {
  tmux: Tmux;
  sessionName: string;
  /** Already checked by guestTerm(). */
  term: string;
  cols: number;
  rows: number;
  /** VS Code's install root, to load its node-pty; undefined outside VS Code. */
  appRoot?: string;
}

/** Starts a read-only tmux client of the broadcast's session at the given size. */
export function spawnReadOnlyClient(spec: ReadOnlyClientSpec): ReadOnlyTerminal {
  const argv = guestAttachArgv({ socketPath: spec.tmux.socketPath, sessionName: spec.sessionName, tmuxBin: spec.tmux.bin });
  const pty = loadNodePty(spec.appRoot).spawn(argv[0], argv.slice(1), {
    name: spec.term,
    cols: spec.cols,
    rows: spec.rows,
    cwd: '/',
    env: guestClientEnv(spec.term),
  });
  // Only these four reach the outside; `pty` (which can write) stays in this closure.
  return {
    pid: pty.pid,
    onData: (listener) => void pty.onData(listener),
    onExit: (listener) => void pty.onExit(({ exitCode }) => listener(exitCode)),
    kill: (signal) => pty.kill(signal),
  };
}
