// One fan-out per broadcast, shared by every route built on it (embedded SSH, browser, relay):
// guests of the same terminal size share one read-only tmux client whichever way they came, and
// the cap on sizes holds for the broadcast as a whole. Kept per route context (one per broadcast)
// rather than made by Broadcast, so a broadcast with no fan-out route (system mode) never loads
// node-pty or the headless terminal.
import type { RouteContext } from '../routes/route';
import { sharedPart } from '../routes/broadcastShared';
import { FANOUT_PART } from './fanoutRegistry';
import { SizeGroups } from './sizeGroups';

export interface FanoutOptions {
  /** Terminal sizes served at once; the first route to ask sets it. */
  maxGroups: number;
  /** VS Code's install root, to load its node-pty; undefined outside VS Code. */
  appRoot?: string;
}

/** The broadcast's size groups, made on first use. */
export function fanoutFor(context: RouteContext, options: FanoutOptions): SizeGroups {
  return sharedPart(context, FANOUT_PART, () => new SizeGroups({ tmux: context.tmux, sessionName: context.sessionName, maxGroups: options.maxGroups, appRoot: options.appRoot }));
}
