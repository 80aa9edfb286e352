// The host's side of one relay group: a member of the broadcast's size group (the same SizeGroup
// that SSH and browser guests of that size share) whose GuestFeed writes to NATS instead of a
// guest (natsGroupSink.ts). Relays hold it by leases; it answers their snapshot requests with the
// sequence number the screen covers.
import type { NatsConnection } from '@nats-io/nats-core';
import { GroupMember, SizeGroup } from '../fanout/sizeGroup';
import { GuestFeed, GuestSink } from '../fanout/guestFeed';
import { SnapReply, subjects } from '../../wire/relayProtocol';
import { NatsGroupSink } from './natsGroupSink';

/** How long a snapshot request waits for the group's feed to be in step (it resynchronises). */
const SNAPSHOT_WAIT_MS = 3000;

export class HostRelayGroup implements GroupMember {
  readonly feed: GuestFeed;
  readonly sink: NatsGroupSink;
  group: SizeGroup | undefined;
  /** Relay name → when its lease runs out (ms since the epoch). */
  readonly leases = new Map<string, number>();
  private ended = false;

  constructor(
    readonly id: string,
    broadcastId: string,
    nc: NatsConnection,
    private readonly onEnd: (group: HostRelayGroup) => void,
  ) {
    this.sink = new NatsGroupSink(nc, subjects.group(broadcastId, id));
    this.feed = new GuestFeed(this.sink);
  }

  hold(relay: string, until: number): void {
    this.leases.set(relay, until);
  }

  /** Whether some relay's lease still runs at `now`; expired leases are forgotten. */
  held(now: number): boolean {
    for (const [relay, until] of this.leases) if (until <= now) this.leases.delete(relay);
    return this.leases.size > 0;
  }

  onGroupExit(code: number): void {
    this.group = undefined;
    this.finish(code);
  }

  /** No relay holds the group any more (or the host stops serving relays): leave the size group. */
  leave(code = 0): void {
    this.group?.remove(this);
    this.group = undefined;
    this.finish(code);
  }

  /**
   * The group's screen and the sequence number it covers. The screen is taken by a probe feed at
   * the point of the stream where the call is made; while this group's own feed is live, every
   * frame fanned out before that point has been published, so `seq` is exactly what it covers.
   * (A flood frame still being rendered at that point goes out afterwards as the screen it
   * leaves, which applied on top of this one changes nothing.)
   */
  async snapshot(): Promise<SnapReply> {
    const deadline = Date.now() + SNAPSHOT_WAIT_MS;
    while (this.feed.state !== 'live') {
      if (this.ended || !this.group || Date.now() > deadline) return { ok: false, error: 'the group is not running' };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const group = this.group;
    if (!group) return { ok: false, error: 'the group is not running' };
    const seq = this.sink.seq;
    // Bounded: a group whose client exits meanwhile may never answer the probe.
    const probe = await Promise.race([probeScreen(group), new Promise<undefined>((resolve) => void setTimeout(() => resolve(undefined), SNAPSHOT_WAIT_MS).unref())]);
    if (!probe) return { ok: false, error: 'the group did not give its screen in time' };
    return { ok: true, group: this.id, seq, curtain: probe.curtain, screen: probe.screen };
  }

  private finish(code: number): void {
    if (this.ended) return;
    this.ended = true;
    this.feed.stop();
    this.sink.end(code);
    this.onEnd(this);
  }
}

/** The group's screen now, as a late joiner would get it (GuestFeed's own snapshot path). */
function probeScreen(group: SizeGroup): Promise<{ screen: string; curtain: 'up' | 'down' }> {
  return new Promise((resolve) => {
    let curtain: 'up' | 'down' = group.curtained ? 'down' : 'up';
    const sink: GuestSink = {
      writable: true,
      writableLength: 0,
      write: (data: Buffer, done: () => void) => {
        done();
        resolve({ screen: data.toString('utf8'), curtain });
      },
      on: () => sink,
      mark: (mark) => void (curtain = mark.curtain),
    };
    new GuestFeed(sink).start(group, false);
  });
}
