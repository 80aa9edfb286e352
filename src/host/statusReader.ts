// Reading a broadcast from outside the process that runs it (CLI status/stop, a reloaded VS Code
// window): everything needed lives in the tmux server's @ options and its client list.
import { readMarkers } from '../tmux/broadcastSession';
import { listClients } from '../tmux/clients';
import { Tmux } from '../tmux/tmux';
import { ownerAlive } from './owner';
import { BroadcastMode, defaultSocketPath } from './paths';
import { BroadcastStatus, RecordedSettings, relayStatusFromMarkers, statusJson, webStatusFromMarkers } from './status';
import { Guest, guestsFromClients } from './guests';
import { curtainFromMarkers } from './curtain/curtainTmux';

export interface FoundBroadcast {
  tmux: Tmux;
  markers: Record<string, string>;
}

/**
 * The broadcast on `socket`, or when none is named, on the default socket of `mode` and then of
 * the other mode (so a plain `guest-broadcast status` finds whichever one runs).
 */
export async function findBroadcast(mode: BroadcastMode, socket?: string): Promise<FoundBroadcast | undefined> {
  const candidates = socket ? [socket] : [...new Set([defaultSocketPath(mode), defaultSocketPath(mode === 'system' ? 'embedded' : 'system')])];
  for (const path of candidates) {
    const tmux = new Tmux(path);
    const markers = await readMarkers(tmux);
    if (markers) return { tmux, markers };
  }
  return undefined;
}

/** The owner publishes its routes' guest table as JSON in @viewers (tmux does not know a browser or SSH guest of this process). */
function viewersFromMarker(json: string): Guest[] {
  try {
    const rows = JSON.parse(json) as Array<Omit<Guest, 'since'> & { since: string }>;
    return rows.map((r) => ({ ...r, since: new Date(r.since) }));
  } catch {
    return [];
  }
}

/**
 * An embedded broadcast whose server process is gone (killed without a chance to stop): the
 * session still runs in tmux, but nobody listens for guests and its viewer table is stale.
 */
export function embeddedServerGone(markers: Record<string, string>): boolean {
  // No owner at all counts too: a window that closed handed the broadcast on and stopped serving.
  return markers.mode !== 'system' && !ownerAlive(markers);
}

export async function readBroadcastStatus(mode: BroadcastMode, socket?: string): Promise<BroadcastStatus> {
  return (await readBroadcastReport(mode, socket)).status;
}

/** The status, and what the markers recorded for serving the broadcast again (for status's hints). */
export async function readBroadcastReport(mode: BroadcastMode, socket?: string): Promise<{ status: BroadcastStatus; recorded: RecordedSettings }> {
  const found = await findBroadcast(mode, socket);
  if (!found) {
    return { status: statusJson({ broadcasting: false, mode, socket: socket || defaultSocketPath(mode), session: '', listen: null, watch: '', viewers: [] }), recorded: {} };
  }
  return { status: await statusOf(found), recorded: recordedSettings(found.markers) };
}

/** What the markers recorded for serving the broadcast again (status's hints, record's). */
export function recordedSettings(markers: Record<string, string>): RecordedSettings {
  const hadWeb = (markers.routes ?? '').split(',').includes('web');
  return { listen: markers.listen || undefined, stateDir: markers['state-dir'] || undefined, web: (hadWeb && markers['web-listen']) || undefined };
}

async function statusOf(found: FoundBroadcast): Promise<BroadcastStatus> {
  const { tmux, markers } = found;
  const foundMode: BroadcastMode = markers.mode === 'system' ? 'system' : 'embedded';
  const unserved = embeddedServerGone(markers);
  // The owner publishes every route's guests in @viewers. Without a live owner, only sshd's
  // guests (system mode) still watch, and tmux lists them.
  const viewers = unserved ? [] : ownerAlive(markers) && markers.viewers !== undefined ? viewersFromMarker(markers.viewers) : guestsFromClients(await listClients(tmux));
  return statusJson({
    broadcasting: true,
    mode: foundMode,
    socket: tmux.socketPath,
    session: markers.session ?? '',
    // No listen address: nothing serves guests until `host` serves the session again.
    listen: unserved ? null : markers.listen || null,
    watch: markers.watch ?? '',
    viewers,
    web: unserved ? null : webStatusFromMarkers(markers),
    relay: unserved ? null : relayStatusFromMarkers(markers),
    paused: curtainFromMarkers(markers).paused,
    pauseMessage: curtainFromMarkers(markers).message,
    // Only a live owner records (a stale marker of a crashed one says nothing).
    recording: ownerAlive(markers) ? markers.recording || null : null,
  });
}
