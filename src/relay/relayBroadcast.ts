// One broadcast as a relay serves it: its groups by size (a GroupPlacer, so the per-guest code is
// the host's own GuestView), the leases that keep the host's groups alive, the relay's presence
// (its guests, for the host's viewer list) and the host's end.
import type { Subscription } from '@nats-io/nats-core';
import type { GroupMember } from '../host/fanout/sizeGroup';
import type { GroupPlacer } from '../host/fanout/groupPlacer';
import { clampSize } from '../host/guestWindow';
import {
  ALIVE_MS,
  encodeControl,
  HEARTBEAT_MS,
  HOST_GONE_MESSAGE,
  HOST_INTERRUPTED_MESSAGE,
  INTERRUPTED_AFTER_MS,
  LEASE_RENEW_MS,
  parseAlive,
  parseEnded,
  parseKick,
  PresenceGuest,
  REGISTRY_TTL_MS,
  RELAY_INTERRUPTED_MESSAGE,
  subjects,
} from '../wire/relayProtocol';
import { RelayGroup } from './relayGroup';
import type { RelayLink } from './relayLink';
import { RelayHostSize } from './relayHostSize';
import type { TerminalSize } from '../wire/hostSize';

/** A group left empty is released after this, unless used again meanwhile. */
const RELEASE_DELAY_MS = 300;
const MAX_RELEASE_TRIES = 20;

/** While the host is away, how often the registry is asked whether it lapsed. */
const REGISTRY_CHECK_MS = 5_000;

export class RelayBroadcast implements GroupPlacer {
  private readonly groups = new Map<string, RelayGroup>();
  private readonly timer: NodeJS.Timeout;
  private readonly endedSub: Subscription;
  private readonly kickSub: Subscription;
  private readonly aliveSub: Subscription;
  private readonly aliveTimer: NodeJS.Timeout;
  /** When the host's last heartbeat came (or the relay started waiting for one). */
  private lastAlive = Date.now();
  /** Whether guests are told the link is interrupted now. */
  private interrupted = false;
  /** This relay's own NATS link is down (its guests are told so rather than blaming the host). */
  private relayLinkDown = false;
  /** While interrupted: when the registry was last asked whether the broadcast is still listed. */
  private lastRegistryCheck = 0;
  private checkingRegistry = false;
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
    /**
     * Whether the registry still lists the broadcast (an `ended` while it does is not the host's);
     * undefined: NATS did not say.
     */
    private readonly registered: () => Promise<boolean | undefined>,
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
      if (ended) void this.registered().then((still) => still !== true && this.hostEnded(ended.message), () => undefined);
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
    // The host's heartbeat (wire/relayProtocol.ts step 8): silence means its link is down.
    this.aliveSub = link.subscribe(subjects.alive(link.broadcastId), (data) => {
      if (parseAlive(Buffer.from(data).toString('utf8'))) this.heard();
    });
    this.aliveTimer = setInterval(() => this.checkAlive(), ALIVE_MS / 2);
    this.aliveTimer.unref();
  }

  /** This relay's own link to NATS dropped (nats.js is reconnecting, to any node it knows). */
  linkDown(): void {
    this.relayLinkDown = true;
  }

  /**
   * This relay is back on NATS: frames of every group may have been missed meanwhile (no later
   * frame need come to show the gap), so every group gets back in step from the host's screen.
   * The host's heartbeat is given its usual time before it counts as missing again.
   */
  linkUp(): void {
    this.relayLinkDown = false;
    this.lastAlive = Date.now();
    this.interrupted = false;
    for (const group of this.groups.values()) group.recover();
  }

  private heard(): void {
    this.lastAlive = Date.now();
    if (!this.interrupted) return;
    this.interrupted = false;
    for (const group of this.groups.values()) group.recover();
  }

  private checkAlive(): void {
    if (this.interrupted) return this.checkLapsed();
    if (Date.now() - this.lastAlive <= INTERRUPTED_AFTER_MS) return;
    this.interrupted = true;
    const message = this.relayLinkDown ? RELAY_INTERRUPTED_MESSAGE : HOST_INTERRUPTED_MESSAGE;
    for (const group of this.groups.values()) group.interrupt(message);
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
      if (this.interrupted) made.interrupt(this.relayLinkDown ? RELAY_INTERRUPTED_MESSAGE : HOST_INTERRUPTED_MESSAGE);
    }
    group.add(member);
    return { group };
  }

  /** Groups and their guests (tests: one subscription per size, however many guests). */
  groupList(): Array<{ id: string; cols: number; rows: number; guests: number; frames: number; firstFrameSeq: number; lastFrameSeq: number }> {
    return [...this.groups.values()].map((g) => ({ id: g.id, cols: g.cols, rows: g.rows, guests: g.size, frames: g.framesReceived, firstFrameSeq: g.firstFrameSeq, lastFrameSeq: g.lastFrameSeq }));
  }

  /** Says who watches now (a guest came or went). */
  announce(): void {
    if (this.closed) return;
    this.link.presence(this.ssh, this.web(), this.guests());
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
      // The host let go of a group (its leases lapsed while a link was down): asked for again.
      for (const group of held) if (reply.gone.includes(group.id)) group.reopen();
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

  /**
   * A host that does not come back (it died, or its machine did) stops refreshing its registry
   * entry, which lapses after REGISTRY_TTL_MS: then its guests here are told the broadcast ended,
   * rather than waiting on the interrupted line. Only a registry that answers "not there" counts
   * (this relay's own link down, or a registry that does not answer, proves nothing).
   */
  private checkLapsed(): void {
    const now = Date.now();
    // The entry was refreshed at most HEARTBEAT_MS before the host's last beat: it cannot lapse sooner.
    if (now - this.lastAlive < REGISTRY_TTL_MS - HEARTBEAT_MS) return;
    if (this.relayLinkDown || this.checkingRegistry || now - this.lastRegistryCheck < REGISTRY_CHECK_MS) return;
    this.lastRegistryCheck = now;
    this.checkingRegistry = true;
    void this.registered().then(
      (still) => {
        this.checkingRegistry = false;
        if (still === false && this.interrupted && !this.closed) this.hostEnded(HOST_GONE_MESSAGE, 1);
      },
      () => (this.checkingRegistry = false),
    );
  }

  private hostEnded(message: string, code = 0): void {
    // Groups normally end by their own end frame, after tmux's farewell; this catches the rest.
    for (const group of [...this.groups.values()]) group.end(code, message);
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
    clearInterval(this.aliveTimer);
    this.endedSub.unsubscribe();
    this.kickSub.unsubscribe();
    this.hostSize.close();
    this.aliveSub.unsubscribe();
    this.onIdle(this);
  }
}
