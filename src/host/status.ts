// `guest-broadcast status` for scripts (--json) and for people. The JSON shape is a contract.
import { BroadcastMode } from './paths';
import { Viewer, viewerCountLabel, watchingFor } from './viewers';

export interface BroadcastStatus {
  broadcasting: boolean;
  mode: BroadcastMode;
  socket: string;
  session: string;
  listen: string | null;
  watch: string;
  viewers: Array<{ name: string; user: string; cols: number; rows: number; since: string }>;
}

export function statusJson(status: {
  broadcasting: boolean;
  mode: BroadcastMode;
  socket: string;
  session: string;
  listen: string | null;
  watch: string;
  viewers: readonly Viewer[];
}): BroadcastStatus {
  return {
    broadcasting: status.broadcasting,
    mode: status.mode,
    socket: status.socket,
    session: status.session,
    listen: status.listen,
    watch: status.watch,
    viewers: status.viewers.map((v) => ({ name: v.name, user: v.user, cols: v.cols, rows: v.rows, since: v.since.toISOString() })),
  };
}

export function formatStatus(status: BroadcastStatus, now = new Date()): string {
  if (!status.broadcasting) {
    return `Not broadcasting (socket ${status.socket}).\nStart one with: guest-broadcast host`;
  }
  const lines = [
    `Broadcasting session "${status.session}" (${status.mode} mode) on ${status.socket}`,
    status.listen
      ? `Guests connect to ${status.listen}`
      : status.mode === 'embedded'
        ? `No SSH server serves it right now: the process that hosted it ended. Serve it again with: guest-broadcast host --socket ${status.socket}${status.session !== 'broadcast' ? ` --session ${status.session}` : ''}, or end it with: guest-broadcast stop --socket ${status.socket}`
        : '',
    `Watch with: ${status.watch}`,
    viewerCountLabel(status.viewers.length) + (status.viewers.length ? ':' : ''),
    ...status.viewers.map(
      (v) => `  ${v.user.padEnd(12)} ${`${v.cols}x${v.rows}`.padEnd(9)} ${watchingFor(new Date(v.since), now).padEnd(10)} ${v.name}`,
    ),
  ];
  return lines.filter((l) => l !== '').join('\n');
}
