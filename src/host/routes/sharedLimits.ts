// One set of connection bounds per broadcast, shared by the routes whose servers run in this
// process (embedded SSH, browser): --max-viewers and --max-per-address count SSH and browser
// guests together. The first route to ask sets the numbers (they come from the same host options).
import { ConnectionLimits } from '../embedded/connectionLimits';
import type { RouteContext } from './route';

const shared = new WeakMap<RouteContext, ConnectionLimits>();

export function connectionLimitsFor(context: RouteContext, maxViewers: number, maxPerAddress: number): ConnectionLimits {
  let limits = shared.get(context);
  if (!limits) {
    limits = new ConnectionLimits(maxViewers, maxPerAddress);
    shared.set(context, limits);
  }
  return limits;
}
