// The watcher is a tmux client: tmux draws on the alternate screen for as long as it runs, and
// leaves it only when the client ends (the broadcast ended, the viewer was kicked, the connection
// dropped). Leaving it would switch to the empty normal screen and the viewer would lose the last
// thing the host showed. So the page does not leave it: the last screen stays (dimmed by the
// status), tmux's farewell line prints over it, and a new connection's tmux draws afresh.
import type { Terminal } from '@xterm/xterm';

/** DEC private modes that switch the alternate screen. */
const ALTERNATE_SCREEN_MODES = new Set([47, 1047, 1049]);

export function keepLastScreen(terminal: Terminal): void {
  terminal.parser.registerCsiHandler({ prefix: '?', final: 'l' }, (params) => {
    const modes = params.flatMap((p) => (Array.isArray(p) ? p : [p]));
    if (!modes.some((m) => ALTERNATE_SCREEN_MODES.has(m))) return false;
    const others = modes.filter((m) => !ALTERNATE_SCREEN_MODES.has(m));
    // Any other modes reset in the same sequence still apply.
    if (others.length) terminal.write(`\x1b[?${others.join(';')}l`);
    return true;
  });
}
