// A relay that misses a frame (a gap in the sequence numbers) gets back in step from the host's
// screen: its guests end up with the host's pane, with no output lost or applied twice. Real
// nats-server and host; the relay group's link drops chosen frames on arrival, as a lossy path would.
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import type { Subscription } from '@nats-io/nats-core';
import { GuestFeed, GuestSink } from '../../src/host/fanout/guestFeed';
import { RelayGroup } from '../../src/relay/relayGroup';
import { RelayLink } from '../../src/relay/relayLink';
import { decodeFrame } from '../../src/wire/relayProtocol';
import { boundedTest } from '../helpers/embeddedFixture';
import { relayWorld } from '../helpers/relayWorld';
import { Screen, waitFor } from '../helpers/screen';
import { capturePane, typeLine } from '../helpers/tmuxFixture';

/** The real link, except that frames whose sequence number is in `drop` never arrive. */
class LossyLink extends RelayLink {
  readonly dropped: number[] = [];
  constructor(nc: ConstructorParameters<typeof RelayLink>[0], id: string, readonly drop: Set<number>) {
    super(nc, id, 'lossy-relay');
  }

  override subscribe(subject: string, onData: (data: Uint8Array) => void): Subscription {
    return super.subscribe(subject, (data) => {
      const seq = decodeFrame(data)?.seq ?? 0;
      if (this.drop.has(seq)) {
        this.drop.delete(seq);
        this.dropped.push(seq);
        return;
      }
      onData(data);
    });
  }
}

/** A guest whose terminal is a headless xterm. */
function screenGuest(screen: Screen): { feed: GuestFeed; onGroupExit(): void } {
  const sink: GuestSink = {
    writable: true,
    writableLength: 0,
    write: (data: Buffer, done: () => void) => {
      screen.feed(data);
      done();
    },
    on: () => sink,
  };
  return { feed: new GuestFeed(sink), onGroupExit: () => undefined };
}

boundedTest('relay: a gap in the sequence is repaired from the host screen, no output lost or doubled', async () => {
  const world = await relayWorld();
  const nc = await connect({ servers: world.nats.url });
  const screen = new Screen(80, 24);
  try {
    await typeLine(world.sock.tmux, 'broadcast', 'clear');
    const link = new LossyLink(nc, world.id, new Set());
    const group = new RelayGroup(link, 80, 24, 'xterm-256color', () => undefined);
    const guest = screenGuest(screen);
    group.add(guest);
    await group.open(() => undefined);
    await typeLine(world.sock.tmux, 'broadcast', 'echo before-gap');
    await waitFor('the guest to show before-gap', async () => (await screen.settledText()).includes('before-gap'), 20_000);
    // The next three frames the host sends are lost on the way to this relay.
    const next = world.route.relayGroups()[0].seq + 1;
    for (const seq of [next, next + 1, next + 2]) link.drop.add(seq);
    for (let i = 1; i <= 6; i++) await typeLine(world.sock.tmux, 'broadcast', `echo after-gap-${i}`);
    await waitFor('frames to be dropped', () => link.dropped.length === 3, 20_000);
    await typeLine(world.sock.tmux, 'broadcast', 'echo settled');
    let last = '';
    await waitFor('the guest to show the host pane', async () => {
      const pane = (await capturePane(world.sock.tmux, 'broadcast')).map((l) => l.trimEnd());
      const seen = (await screen.settledText()).split('\n').slice(0, pane.length).map((l) => l.trimEnd());
      last = `${seen.join('\n')}\n---- vs ----\n${pane.join('\n')}`;
      return pane.some((l) => l === 'settled') && JSON.stringify(seen) === JSON.stringify(pane);
    }, 20_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${last}`);
    });
    // The guest was resynchronised: its join, then the repair.
    assert.ok(guest.feed.snapshots >= 2, `snapshots: ${guest.feed.snapshots}`);
    group.remove(guest);
  } finally {
    screen.dispose();
    await nc.close();
    await world.cleanup();
  }
}, { timeoutMs: 90_000 });
