// The watcher is a tmux client: tmux draws on the alternate screen for as long as it runs, and
// leaves it only when the client ends (the broadcast ended, the viewer was kicked, the connection
// dropped). On the way out tmux clears the screen (ESC[H ESC[2J) and then leaves the alternate
// screen (ESC[?1049l), which would show the empty normal screen: the viewer would lose the last
// thing the host showed. So the page keeps it:
//   - every full clear of the alternate screen first keeps a copy of what it clears;
//   - leaving the alternate screen is not done (tmux is the only thing drawing here, and a new
//     connection's tmux enters it again); if the screen is blank at that moment (tmux's exit
//     clear), the copy is drawn back, with tmux's farewell line (printed after the clear) on the
//     last row, where tmux's status line was.
import type { Terminal } from '@xterm/xterm';
import type { SerializeAddon } from '@xterm/addon-serialize';

/** DEC private modes that switch the alternate screen. */
const ALTERNATE_SCREEN_MODES = new Set([47, 1047, 1049]);
const ALT_MARK = '\x1b[?1049h\x1b[H';

function screenLines(terminal: Terminal): string[] {
  const buffer = terminal.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < terminal.rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
  return lines;
}

export function keepLastScreen(terminal: Terminal, serializer: SerializeAddon): void {
  let copy: string | undefined;
  terminal.parser.registerCsiHandler({ final: 'J' }, (params) => {
    if (params[0] === 2 && terminal.buffer.active.type === 'alternate') {
      const all = serializer.serialize({ scrollback: 0, excludeModes: true });
      const at = all.indexOf(ALT_MARK);
      copy = at >= 0 ? all.slice(at + ALT_MARK.length) : undefined;
    }
    return false; // the clear itself happens as usual
  });
  terminal.parser.registerCsiHandler({ prefix: '?', final: 'l' }, (params) => {
    const modes = params.flatMap((p) => (Array.isArray(p) ? p : [p]));
    if (!modes.some((m) => ALTERNATE_SCREEN_MODES.has(m))) return false;
    const others = modes.filter((m) => !ALTERNATE_SCREEN_MODES.has(m));
    // Any other modes reset in the same sequence still apply.
    if (others.length) terminal.write(`\x1b[?${others.join(';')}l`);
    const kept = copy;
    if (kept && terminal.buffer.active.type === 'alternate' && screenLines(terminal).every((l) => l === '')) {
      // Runs once the rest of this chunk (tmux's farewell) has been drawn on the blank screen.
      terminal.write('', () => {
        const farewell = screenLines(terminal).map((l) => l.trim()).filter(Boolean).join(' ');
        const last = farewell ? `\x1b[${terminal.rows};1H\x1b[2K\x1b[0m\x1b[1m${farewell.slice(0, terminal.cols)}\x1b[0m` : '';
        terminal.write(`\x1b[0m\x1b[H\x1b[2J${kept}${last}`);
      });
    }
    copy = undefined;
    return true;
  });
}
