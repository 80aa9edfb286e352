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
