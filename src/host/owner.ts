// Which process owns a broadcast. The owner is the one process whose Ctrl-C/SIGTERM ends the
// host's tmux server (besides an explicit `guest-broadcast stop` or *Stop guest broadcast*), so
// there must never be two: a second `host` on a broadcast whose owner lives is refused, and only
// a broadcast whose owner is gone (a crash, a VS Code reload) may be adopted. The owner is
// recorded in the server's markers, in both modes, as its PID and the process's start time
// (so a PID reused by an unrelated process after a crash does not count as the owner).
import { readFileSync } from 'node:fs';
import { processExists } from '../processExists';
import { readMarkers, setMarkers } from '../tmux/broadcastSession';
import { Tmux } from '../tmux/tmux';

/** The marker holding the owner's PID (its name predates the system mode having an owner). */
export const OWNER_PID_MARKER = 'server-pid';
/** The marker holding the owner's start time, in clock ticks since boot (/proc/PID/stat field 22). */
export const OWNER_START_MARKER = 'server-started';

/** A process's start time as /proc tells it, or '' where there is no /proc. */
export function processStartTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state is field 3, starttime field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? '';
  } catch {
    return '';
  }
}

/** The markers that make this process the owner. */
export function ownerMarkers(pid = process.pid): Record<string, string> {
  return { [OWNER_PID_MARKER]: String(pid), [OWNER_START_MARKER]: processStartTime(pid) };
}

/** The markers that say nobody owns the broadcast (a window closing hands it on). */
export const NO_OWNER: Record<string, string> = { [OWNER_PID_MARKER]: '', [OWNER_START_MARKER]: '' };

/** The recorded owner's PID, or undefined when none is recorded. */
export function recordedOwner(markers: Record<string, string>): number | undefined {
  const pid = Number(markers[OWNER_PID_MARKER]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether the recorded owner still runs (the same process: PID and start time). */
export function ownerAlive(markers: Record<string, string>): boolean {
  const pid = recordedOwner(markers);
  if (pid === undefined || !processExists(pid)) return false;
  const started = markers[OWNER_START_MARKER];
  // No start time recorded, or none readable now: the PID alone has to do.
  if (!started) return true;
  const now = processStartTime(pid);
  return !now || now === started;
}

/**
 * The PID of another live process that owns the broadcast, or undefined when it may be adopted
 * (no owner recorded, the owner is gone, or the owner is this very process, which re-serves
 * what it detached from).
 */
export function otherLiveOwner(markers: Record<string, string>): number | undefined {
  const pid = recordedOwner(markers);
  if (pid === undefined || pid === process.pid) return undefined;
  return ownerAlive(markers) ? pid : undefined;
}

/**
 * Makes this process the owner if the recorded owner is still `expectedPid` (the gone owner read
 * before, or '' for none): a compare-and-set in one tmux command, which tmux runs without
 * interleaving another client's, so two processes adopting at once cannot both win. Resolves
 * whether this process owns it now.
 */
export async function claimOwnership(tmux: Tmux, expectedPid: string): Promise<boolean> {
  if (!/^\d*$/.test(expectedPid)) return false;
  const mine = ownerMarkers();
  const set = Object.entries(mine).map(([k, v]) => `set-option -g @${k} '${v.replace(/[^0-9]/g, '')}'`).join(' ; ');
  await tmux.run(['if-shell', '-F', `#{==:#{@${OWNER_PID_MARKER}},${expectedPid}}`, set]);
  const now = await readMarkers(tmux);
  return now !== undefined && recordedOwner(now) === process.pid;
}

/** Clears the owner markers when they still name this process (it stops serving, tmux stays). */
export async function releaseOwnership(tmux: Tmux): Promise<void> {
  const markers = await readMarkers(tmux).catch(() => undefined);
  if (markers && recordedOwner(markers) === process.pid) await setMarkers(tmux, NO_OWNER).catch(() => undefined);
}
