// Which fan-out serves which broadcast (one per route context), readable without loading the
// fan-out itself: the system route asks it which read-only tmux clients are the fan-out's own (so
// they are not counted as its guests) without pulling node-pty or the headless terminal into a
// system-mode host.
import type { RouteContext } from '../routes/route';
import type { SizeGroups } from './sizeGroups';

const fanouts = new WeakMap<RouteContext, SizeGroups>();

export function registeredFanout(context: RouteContext): SizeGroups | undefined {
  return fanouts.get(context);
}

export function registerFanout(context: RouteContext, groups: SizeGroups): void {
  fanouts.set(context, groups);
}

/** The pids of the fan-out's read-only tmux clients on this broadcast (none when it has none). */
export function fanoutClientPids(context: RouteContext): Set<number> {
  return new Set(registeredFanout(context)?.list().map((g) => g.pid) ?? []);
}
