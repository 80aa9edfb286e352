// One broadcast as a relay serves it: its groups by size (a GroupPlacer, so the per-guest code is
// the host's own GuestView), the leases that keep the host's groups alive, the relay's presence
// (its guests, for the host's viewer list) and the host's end.
import type { Subscription } from '@nats-io/nats-core';
import type { GroupMember } from '../host/fanout/sizeGroup';
import type { GroupPlacer } from '../host/fanout/groupPlacer';
import { clampSize } from '../host/guestWindow';
import { encodeControl, LEASE_RENEW_MS, parseEnded, parseKick, PresenceGuest, subjects } from '../wire/relayProtocol';
import { RelayGroup } from './relayGroup';
import type { RelayLink } from './relayLink';
import { RelayHostSize } from './relayHostSize';
import type { TerminalSize } from '../wire/hostSize';

/** A group left empty is released after this, unless used again meanwhile. */
const RELEASE_DELAY_MS = 300;
const MAX_RELEASE_TRIES = 20;

export class RelayBroadcast implements GroupPlacer {
  private readonly groups = new Map<string, RelayGroup>();
  private readonly timer: NodeJS.Timeout;
  private readonly endedSub: Subscription;
  private readonly kickSub: Subscription;
  private closed = false;
  /** The host's size, for browser guests' fit mode and the live stream (`relay --web`). */
  readonly hostSize: RelayHostSize;

  constructor(
    readonly link: RelayLink,
    /** This relay's guests of the broadcast, for presence. */
    private readonly guests: () => PresenceGuest[],
    /** Where guests reach this relay ("host:port"), announced with presence. */
    private readonly ssh: string,
    private readonly onIdle: (broadcast: RelayBroadcast) => void,
    /** Whether the registry still lists the broadcast (an `ended` while it does is not the host's). */
    private readonly registered: () => Promise<boolean>,
    /** Ends this relay's guest `guest` of the broadcast with `message`; false: no such guest here. */
    private readonly kickGuest: (guest: string, message: string) => Promise<boolean>,
    /** Where browser guests reach this relay ("http(s)://host:port"; '' without --web), and the host's size when admitted. */
    private readonly web: () => string = () => '',
    hostSize?: TerminalSize,
  ) {
    this.hostSize = new RelayHostSize(link, hostSize);
    this.timer = setInterval(() => this.renew(), LEASE_RENEW_MS);
    this.timer.unref();
    this.endedSub = link.subscribe(subjects.ended(link.broadcastId), (data) => {
      const ended = parseEnded(Buffer.from(data).toString('utf8'));
      if (ended) void this.registered().then((still) => !still && this.hostEnded(ended.message), () => undefined);
    });
    // The host ends one guest: only the relay named acts (and answers); the others stay silent.
    this.kickSub = link.nc.subscribe(subjects.kick(link.broadcastId), {
      callback: (err, msg) => {
        const kick = err ? undefined : parseKick(msg.string());
        if (!kick || kick.relay !== link.relayName) return;
        void this.kickGuest(kick.guest, kick.message).then((ok) => {
          try {
            if (msg.reply) msg.respond(encodeControl({ ok }));
          } catch {
            // NATS is reconnecting: the host's request times out
          }
        });
      },
    });
  }

  place(member: GroupMember, cols: number, rows: number, term: string, onNotice: (notice: string) => void): { group: RelayGroup } {
    const size = clampSize(cols, rows);
    const key = `${size.cols}x${size.rows} ${term}`;
    let group = this.groups.get(key);
    if (!group?.running) {
      const made = new RelayGroup(this.link, size.cols, size.rows, term, (g) => {
        if (this.groups.get(key) === g) this.groups.delete(key);
        if (g.id) this.releaseLater(g.id);
        this.idleCheck();
      });
      group = made;
      this.groups.set(key, made);
      void made.open(onNotice);
    }
    group.add(member);
    return { group };
  }

  /** Groups and their guests (tests: one subscription per size, however many guests). */
  groupList(): Array<{ id: string; cols: number; rows: number; guests: number; frames: number }> {
    return [...this.groups.values()].map((g) => ({ id: g.id, cols: g.cols, rows: g.rows, guests: g.size, frames: g.framesReceived }));
  }

  /** Says who watches now (a guest came or went). */
  announce(): void {
    if (this.closed) return;
    try {
      this.link.nc.publish(subjects.presence(this.link.broadcastId), encodeControl({ relay: this.link.relayName, ssh: this.ssh, web: this.web(), guests: this.guests() }));
    } catch {
      // NATS is reconnecting: the next renewal says it
    }
  }

  /** The relay stops: every group's guests are told `message`. */
  close(message: string, code: number): void {
    if (this.closed) return;
    for (const group of [...this.groups.values()]) group.end(code, message);
    this.dispose();
  }

  private renew(): void {
    this.announce();
    const held = [...this.groups.values()].filter((g) => g.running && g.id);
    if (!held.length) return;
    void this.link.lease(held.map((g) => g.id)).then((reply) => {
      if (!reply.ok) return;
      for (const group of held) if (reply.gone.includes(group.id)) group.end(1, 'Guest Broadcast: the host no longer serves this view; reconnect to watch again.');
    });
  }

  /**
   * A group's last guest here left: the host is told to drop this relay's hold on it (so a guest
   * resizing in a loop does not leave a group per size behind for the lease's rest, filling the
   * broadcast's cap on sizes). Several sizes may share one host group (the cap), and an open in
   * flight may be answered with this very group: so only once no group here uses the id and none
   * is waiting for the host's answer. Else the lease simply runs out, as it always did.
   */
  private releaseLater(id: string, tries = 0): void {
    const timer = setTimeout(() => {
      const groups = [...this.groups.values()].filter((g) => g.running);
      if (groups.some((g) => g.id === id)) return;
      if (groups.some((g) => !g.id)) {
        if (tries < MAX_RELEASE_TRIES) this.releaseLater(id, tries + 1);
        return;
      }
      this.link.release(id);
    }, RELEASE_DELAY_MS);
    timer.unref();
  }

  private hostEnded(message: string): void {
    // Groups normally end by their own end frame, after tmux's farewell; this catches the rest.
    for (const group of [...this.groups.values()]) group.end(0, message);
  }

  /** Lets go of the broadcast once it has no group and no guest here (a guest just left). */
  idleCheck(): void {
    if (this.groups.size === 0 && this.guests().length === 0) {
      this.announce();
      this.dispose();
    }
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.endedSub.unsubscribe();
    this.kickSub.unsubscribe();
    this.hostSize.close();
    this.onIdle(this);
  }
}
