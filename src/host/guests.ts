// The viewer list as every surface shows it (status bar, CLI status, status --json).
import { TmuxClient } from '../tmux/clients';
import type { RouteKind } from './routes/routeKind';

export interface Guest {
  /** Stable id used to kick: the tmux client name (system mode) or the guest's connection id (embedded). */
  name: string;
  /** The name the guest logged in with. */
  user: string;
  /** The guest's address when known ("127.0.0.1:51234"). */
  address?: string;
  cols: number;
  rows: number;
  since: Date;
  /** Which route the guest came by ('web': a browser), when the list knows it. */
  route?: RouteKind;
}

/** Guests are the read-only clients; the host's own read-write clients are not viewers. */
export function guestsFromClients(clients: readonly TmuxClient[]): Guest[] {
  return clients
    .filter((c) => c.readOnly)
    .map((c) => ({ name: c.name, user: c.user, cols: c.cols, rows: c.rows, since: c.since }));
}

export function sameGuests(a: readonly Guest[], b: readonly Guest[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((v, i) => {
    const w = b[i];
    return v.name === w.name && v.cols === w.cols && v.rows === w.rows && v.user === w.user && v.address === w.address && v.route === w.route;
  });
}

export function viewerCountLabel(n: number): string {
  return `${n} viewer${n === 1 ? '' : 's'}`;
}

/** "under a minute", "3 min", "2 h 5 min": how long a viewer has been watching ("watching for …"). */
export function watchingFor(since: Date, now = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 60_000));
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Who joined and who left between two viewer lists (by name: a tmux client or a connection). */
export function guestChanges(before: readonly Guest[], after: readonly Guest[]): { joined: Guest[]; left: Guest[] } {
  const had = new Set(before.map((v) => v.name));
  const has = new Set(after.map((v) => v.name));
  return { joined: after.filter((v) => !had.has(v.name)), left: before.filter((v) => !has.has(v.name)) };
}

/** " via RELAY" for a guest who watches through a relay (its presence names the relay), else "". */
export function viaRelay(guest: Guest): string {
  if (guest.route !== 'relay') return '';
  const relay = /via (\S+)$/.exec(guest.address ?? '')?.[1];
  return relay ? ` via relay ${relay}` : ' via a relay';
}
