// Parts that all routes of one broadcast share, kept per route context (there is one context per
// broadcast): the fan-out (guests of one terminal size share a tmux client whichever route they
// came by) and the connection bounds (--max-viewers and --max-per-address count every route's
// guests together). Made by the first route that asks, so a broadcast that never needs one never
// loads it.
import type { RouteContext } from './route';

const parts = new WeakMap<RouteContext, Map<string, unknown>>();

/** The broadcast's part named `key`, made by `make` on first use. */
export function sharedPart<T>(context: RouteContext, key: string, make: () => T): T {
  let mine = parts.get(context);
  if (!mine) {
    mine = new Map();
    parts.set(context, mine);
  }
  if (!mine.has(key)) mine.set(key, make());
  return mine.get(key) as T;
}

/** The part named `key` when some route made it; undefined otherwise (nothing is made). */
export function existingPart<T>(context: RouteContext, key: string): T | undefined {
  return parts.get(context)?.get(key) as T | undefined;
}
