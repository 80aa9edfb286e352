// How a watcher learns the size of the host's terminal, so a viewer in "fit" mode can take exactly
// that size (and scale its font to show all of it), and a viewer in "my size" mode can say how the
// two differ.
//
// Why a second channel and not a byte in the screen stream: a plain `ssh` guest's terminal shows
// every byte it gets, and an escape sequence injected into tmux's output can land inside another
// one. ssh2's client drops channel requests it does not know, and OpenSSH (system mode) cannot send
// any of its own. What works the same with both servers is an SSH-level `exec` on a second session
// channel of the watcher's connection, asking for exactly this command:
//   - the embedded server accepts that one command (and no other exec) and streams the size;
//   - system mode's forced command sees it in $SSH_ORIGINAL_COMMAND and streams the same lines;
//   - a server that knows nothing of it refuses or closes the channel: the watcher then simply
//     does not know the host's size, and fit mode says so and uses the viewer's own size.
// A person running `ssh guest@host guest-broadcast-host-size` sees "120x35" lines: nothing more.
//
// Wire format: one line per change, "COLSxROWS\n", the first at once.

import { isWithinSizeLimits } from './terminalSizeLimits';

export const HOST_SIZE_COMMAND = 'guest-broadcast-host-size';

export interface TerminalSize {
  cols: number;
  rows: number;
}


export function formatHostSize(size: TerminalSize): string {
  return `${size.cols}x${size.rows}\n`;
}

export function parseHostSize(line: string): TerminalSize | undefined {
  const match = /^(\d{1,4})x(\d{1,4})$/.exec(line.trim());
  if (!match) return undefined;
  const cols = Number(match[1]);
  const rows = Number(match[2]);
  // Sizes outside the shared limits are not believed (they come from the network).
  return isWithinSizeLimits(cols, rows) ? { cols, rows } : undefined;
}

/** Splits a byte stream into lines and reports each well-formed size; bounded in memory. */
export class HostSizeReader {
  private pending = '';

  constructor(private readonly onSize: (size: TerminalSize) => void) {}

  private readonly decoder = new TextDecoder('latin1');

  push(data: Uint8Array | string): void {
    this.pending += typeof data === 'string' ? data : this.decoder.decode(data, { stream: true });
    let newline: number;
    while ((newline = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, newline);
      this.pending = this.pending.slice(newline + 1);
      const size = parseHostSize(line);
      if (size) this.onSize(size);
    }
    // A line is a dozen bytes: anything longer is not our format.
    if (this.pending.length > 64) this.pending = '';
  }
}
