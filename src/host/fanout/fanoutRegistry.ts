// Which fan-out serves which broadcast, readable without loading the fan-out itself: the system
// route asks it which read-only tmux clients are the fan-out's own (so they are not counted as its
// guests) without pulling node-pty or the headless terminal into a system-mode host.
import { existingPart } from '../routes/broadcastShared';
import type { RouteContext } from '../routes/route';
import type { SizeGroups } from './sizeGroups';

export const FANOUT_PART = 'fanout';

/** The pids of the fan-out's read-only tmux clients on this broadcast (none when it has none). */
export function fanoutClientPids(context: RouteContext): Set<number> {
  return new Set(existingPart<SizeGroups>(context, FANOUT_PART)?.list().map((g) => g.pid) ?? []);
}
