// Relay guests as the host lists them: each relay publishes its guests (wire/relayProtocol.ts
// P.presence); a relay not heard from for PRESENCE_TTL_MS is forgotten with its guests.
import type { Guest } from '../guests';
import { Presence, PRESENCE_TTL_MS } from '../../wire/relayProtocol';

/** Relays listed at once; presence from more is ignored (a hostile client inventing relays). */
const MAX_RELAYS = 256;

export class RelayPresence {
  private readonly relays = new Map<string, { guests: Guest[]; ssh: string; web: string; at: number }>();

  /** Records a relay's presence; true when the guest list changed. */
  record(presence: Presence, ssh: string, now = Date.now()): boolean {
    if (!this.relays.has(presence.relay) && this.relays.size >= MAX_RELAYS) return false;
    const before = JSON.stringify(this.relays.get(presence.relay)?.guests ?? []);
    const guests: Guest[] = presence.guests.map((g) => ({
      name: `${presence.relay}/${g.name}`,
      user: g.user || 'guest',
      address: g.address ? `${g.address} via ${presence.relay}` : `via ${presence.relay}`,
      cols: g.cols,
      rows: g.rows,
      since: validDate(g.since) ?? new Date(now),
      route: 'relay',
    }));
    this.relays.set(presence.relay, { guests, ssh, web: presence.web, at: now });
    return JSON.stringify(guests) !== before;
  }

  /** Forgets relays gone quiet; true when guests went with them. */
  expire(now = Date.now()): boolean {
    let changed = false;
    for (const [name, relay] of this.relays) {
      if (now - relay.at > PRESENCE_TTL_MS) {
        this.relays.delete(name);
        changed ||= relay.guests.length > 0;
      }
    }
    return changed;
  }

  /** Drops one guest until its relay's next presence (it was kicked); true when it was listed. */
  forget(name: string): boolean {
    for (const relay of this.relays.values()) {
      const i = relay.guests.findIndex((g) => g.name === name);
      if (i >= 0) {
        relay.guests.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  guests(): Guest[] {
    return [...this.relays.values()].flatMap((r) => r.guests);
  }

  /** A relay's SSH address ("host:port") that some relay announced, for the watch line. */
  anySshAddress(): string | undefined {
    return [...this.relays.values()].map((r) => r.ssh).find((s) => s);
  }

  /** A relay's browser origin ("http(s)://host:port") that some relay with --web announced. */
  anyWebOrigin(): string | undefined {
    return [...this.relays.values()].map((r) => r.web).find((w) => w);
  }
}

function validDate(text: string): Date | undefined {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
