// A workaround for xterm.js 6.0.0 (issue xtermjs/xterm.js#6163): Buffer.resize lowers a buffer's
// line capacity only when the buffer holds lines, and the alternate buffer holds none until a
// program first enters it. A viewer that shrinks before that (fit mode: the panel's size first,
// then the host's smaller one) leaves the alternate buffer room for more lines than rows; tmux's
// scrolling there then makes phantom scrollback, and the next grow pulls those lines back into view:
// the page showed tmux's status line a few rows from the top after the host's window grew.
//
// xterm.js empties the alternate buffer, at the right capacity, every time the normal one becomes
// active; doing the same after each resize while the normal buffer is active changes nothing a
// viewer sees and keeps the capacity in step. Remove once the fix is in the xterm.js we ship.
import type { Terminal } from '@xterm/xterm';

interface AltBufferCore {
  _core?: { _bufferService?: { buffers?: { alt?: { clear(): void } } } };
}

export function keepAltBufferInStep(terminal: Terminal): void {
  terminal.onResize(() => {
    if (terminal.buffer.active.type !== 'normal') return;
    (terminal as unknown as AltBufferCore)._core?._bufferService?.buffers?.alt?.clear();
  });
}
