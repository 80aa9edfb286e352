// `guest-broadcast status` for scripts (--json) and for people. The JSON shape is a contract.
import { shellCommand } from '../tmux/attach';
import { DEFAULT_CURTAIN_MESSAGE } from './curtain/curtainProgram';
import { EMBEDDED_DEFAULTS } from './embedded/options';
import { BroadcastMode, cliConfigDir, defaultSocketPath } from './paths';
import { Guest, viewerCountLabel, watchingFor } from './guests';
import type { RouteKind } from './routes/routeKind';
import type { RouteDescription } from './routes/route';

export interface BroadcastStatus {
  broadcasting: boolean;
  mode: BroadcastMode;
  socket: string;
  session: string;
  listen: string | null;
  watch: string;
  viewers: Array<{ name: string; user: string; cols: number; rows: number; since: string; route?: RouteKind; address?: string }>;
  /** The browser route: the page's link (with its secret), where it listens, the asciinema-compatible stream; null when off. */
  web: WebStatus | null;
  /** Guests see the curtain instead of the session (guest-broadcast pause). */
  paused: boolean;
  /** The line guests read on the curtain while paused (the default one when the host gave none); null when not paused. */
  pauseMessage: string | null;
  /** The file the host's screen is being recorded to; null when none. */
  recording: string | null;
  /** The relay route: the NATS servers (no credentials), the broadcast's id, how to watch through a relay; null when off. */
  relay: RelayStatus | null;
}

export interface RelayStatus {
  url: string;
  id: string;
  watch: string;
  /** The browser link through a relay started with --web; null until such a relay announced itself. */
  web: string | null;
}

export interface WebStatus {
  url: string;
  listen: string;
  streamUrl: string;
}

/** The browser route's markers (web/webRoute.ts WEB_MARKERS), when the broadcast's routes include it. */
export function webStatusFromMarkers(markers: Record<string, string>): WebStatus | null {
  const routes = (markers.routes ?? '').split(',');
  if (!routes.includes('web') || !markers['web-url']) return null;
  return { url: markers['web-url'], listen: markers['web-listen'] ?? '', streamUrl: markers['web-stream'] ?? '' };
}

/** The relay route's markers (relay/relayRoute.ts RELAY_MARKERS), when the broadcast's routes include it. */
export function relayStatusFromMarkers(markers: Record<string, string>): RelayStatus | null {
  const routes = (markers.routes ?? '').split(',');
  if (!routes.includes('relay') || !markers['relay-id']) return null;
  return { url: markers['relay-url'] ?? '', id: markers['relay-id'], watch: markers['relay-watch'] ?? '', web: markers['relay-web'] || null };
}

/** The browser route's part of the status, from its description (the owner's view of what the markers say). */
export function webStatusFromRoutes(routes: readonly RouteDescription[]): WebStatus | null {
  const web = routes.find((r) => r.kind === 'web');
  return web ? { url: web.join, listen: web.listen ?? '', streamUrl: web.stream ?? '' } : null;
}

export function statusJson(status: {
  broadcasting: boolean;
  mode: BroadcastMode;
  socket: string;
  session: string;
  listen: string | null;
  watch: string;
  viewers: readonly Guest[];
  web?: WebStatus | null;
  paused?: boolean;
  pauseMessage?: string;
  recording?: string | null;
  relay?: RelayStatus | null;
}): BroadcastStatus {
  return {
    broadcasting: status.broadcasting,
    mode: status.mode,
    socket: status.socket,
    session: status.session,
    listen: status.listen,
    watch: status.watch,
    // route and address only when known (browser guests; the JSON shape only grows).
    viewers: status.viewers.map((v) => ({ name: v.name, user: v.user, cols: v.cols, rows: v.rows, since: v.since.toISOString(), ...(v.route ? { route: v.route } : {}), ...((v.route === 'web' || v.route === 'relay') && v.address ? { address: v.address } : {}) })),
    web: status.web ?? null,
    paused: status.paused ?? false,
    pauseMessage: status.paused ? status.pauseMessage || DEFAULT_CURTAIN_MESSAGE : null,
    recording: status.recording || null,
    relay: status.relay ?? null,
  };
}

/** What the broadcast's tmux markers recorded that the JSON leaves out (the JSON shape is a contract). */
export interface RecordedSettings {
  /** The address the embedded server last listened on, kept after it is gone. */
  listen?: string;
  /** The embedded server's state folder (host key, passphrase): the same one keeps guests' known_hosts valid. */
  stateDir?: string;
  /** Where the browser route listened, when the broadcast had one (its link's secret is in the state folder). */
  web?: string;
}

/**
 * The `host` command line that serves this socket (again): the options the user would have to
 * repeat, so following the hint keeps the same socket, session and guests' address.
 */
export function hostCommandFor(status: Pick<BroadcastStatus, 'mode' | 'socket' | 'session'>, recorded: RecordedSettings): string {
  const argv = ['guest-broadcast', 'host'];
  if (status.mode === 'system') argv.push('--mode', 'system');
  if (status.socket !== defaultSocketPath(status.mode)) argv.push('--socket', status.socket);
  if (status.session && status.session !== 'broadcast') argv.push('--session', status.session);
  if (recorded.listen && recorded.listen !== EMBEDDED_DEFAULTS.listen) argv.push('--listen', recorded.listen);
  if (recorded.stateDir && recorded.stateDir !== cliConfigDir()) argv.push('--state-dir', recorded.stateDir);
  if (recorded.web) argv.push('--web', recorded.web);
  return shellCommand(argv);
}

export function formatStatus(status: BroadcastStatus, now = new Date(), recorded: RecordedSettings = {}): string {
  if (!status.broadcasting) {
    return `Not broadcasting (socket ${status.socket}).\nStart one with: ${hostCommandFor(status, {})}`;
  }
  const lines = [
    `Broadcasting session "${status.session}" (${status.mode} mode) on ${status.socket}`,
    status.listen
      ? `Guests connect to ${status.listen}`
      : status.mode === 'embedded'
        ? `No SSH server serves it right now: the process that hosted it ended. Serve it again with: ${hostCommandFor(status, recorded)}${recorded.listen ? '' : ' (add the --listen and --state-dir it had, if not the defaults)'}, or end it with: ${shellCommand(['guest-broadcast', 'stop', '--socket', status.socket])}`
        : '',
    `Watch with: ${status.watch}`,
    status.web ? `Or in a browser: ${status.web.url}` : '',
    status.relay ? `Or through a relay: ${status.relay.watch}` : '',
    status.relay?.web ? `Or in a browser through a relay: ${status.relay.web}` : '',
    status.paused ? `Paused: guests see the curtain${status.pauseMessage ? ` ("${status.pauseMessage}")` : ''}, not the session (resume with: ${shellCommand(['guest-broadcast', 'resume', ...(status.socket !== defaultSocketPath(status.mode) ? ['--socket', status.socket] : [])])}).` : '',
    status.recording ? `Recording to ${status.recording} (stop with: ${shellCommand(['guest-broadcast', 'record', '--stop', ...(status.socket !== defaultSocketPath(status.mode) ? ['--socket', status.socket] : [])])})` : '',
    viewerCountLabel(status.viewers.length) + (status.viewers.length ? ':' : ''),
    ...status.viewers.map(
      (v) => `  ${v.user.padEnd(12)} ${`${v.cols}x${v.rows}`.padEnd(9)} ${watchingFor(new Date(v.since), now).padEnd(10)} ${v.name}${v.address ? ` ${v.address}` : ''}`,
    ),
  ];
  return lines.filter((l) => l !== '').join('\n');
}
