// The host's terminal size as tmux knows it: the size of the host's read-write client (what the
// host sees, status line included). With several read-write clients, tmux's default window-size
// ("latest") follows the one used last, so that one wins.
import type { TerminalSize } from '../wire/hostSize';
import { listClients, TmuxClient } from './clients';
import { Tmux } from './tmux';

export function hostSizeOf(clients: readonly TmuxClient[]): TerminalSize | undefined {
  const host = clients.filter((c) => !c.readOnly && c.cols > 0 && c.rows > 0).sort((a, b) => b.activity - a.activity)[0];
  return host ? { cols: host.cols, rows: host.rows } : undefined;
}

export async function readHostSize(tmux: Tmux): Promise<TerminalSize | undefined> {
  return hostSizeOf(await listClients(tmux));
}

/**
 * The size a host's terminal would have to show the session's window as it is now: the window
 * and its status line(s). For when no host is attached (a recording started before the host
 * attached): the window keeps the size it was made or last used at.
 */
export async function readWindowSize(tmux: Tmux, sessionName: string): Promise<TerminalSize | undefined> {
  const out = await tmux.runIfServer(['display-message', '-p', '-t', `=${sessionName}:`, '#{window_width} #{window_height} #{status}']).catch(() => undefined);
  const m = /^(\d+) (\d+) (\S*)/.exec(out?.trim() ?? '');
  if (!m) return undefined;
  // The status option: off, on (one line), or 2 to 5 lines.
  const statusLines = m[3] === 'off' ? 0 : m[3] === 'on' ? 1 : Number(m[3]) || 0;
  const cols = Number(m[1]);
  const rows = Number(m[2]) + statusLines;
  return cols > 0 && rows > 0 ? { cols, rows } : undefined;
}
