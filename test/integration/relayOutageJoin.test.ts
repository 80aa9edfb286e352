// Guests who come to a relay WHILE the host's NATS link is down (or who resize to a size the relay
// has no group of then): the relay's request for their group goes unanswered, and they must be
// kept like the guests already there (the interrupted notice, then the host's screen once it is
// back), not sent away. A host that answers with an error is still refused at once. Real
// processes only: nats-server, a host broadcasting with --relay through a TCP proxy the test cuts,
// the relay's real code, OpenSSH `ssh` guests and a browser-protocol guest (the page's WebSocket
// protocol, rendered in @xterm/headless), compared with the host's pane (capture-pane).
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { GuestFeed, GuestSink } from '../../src/host/fanout/guestFeed';
import { ENDED_MESSAGE } from '../../src/host/messages';
import { RelayGroup } from '../../src/relay/relayGroup';
import { RelayLink } from '../../src/relay/relayLink';
import type { RunningRelay } from '../../src/relay/startRelay';
import type { OpenReply } from '../../src/wire/relayProtocol';
import { HOST_GONE_MESSAGE, HOST_INTERRUPTED_MESSAGE, HOST_NOT_ANSWERING_MESSAGE, REGISTRY_BUCKET } from '../../src/wire/relayProtocol';
import { boundedTest } from '../helpers/embeddedFixture';
import { startNatsServer } from '../helpers/natsServer';
import { relayWorld, RelayWorld } from '../helpers/relayWorld';
import { matchesPane, screenLine, ScreenGuest, waitForNotice } from '../helpers/relayScreens';
import { waitFor } from '../helpers/screen';
import { TcpRelay } from '../helpers/tcpRelay';
import { typeLine } from '../helpers/tmuxFixture';
import { WebGuestClient } from '../helpers/webFixture';

const test = (name: string, fn: () => Promise<void>): void => boundedTest(name, fn, { timeoutMs: 150_000 });

/** The interrupted notice's first words, as a guest's screen reads them however they wrap. */
const HOST_NOTICE = HOST_INTERRUPTED_MESSAGE.slice(0, 60);
/** What a guest whose group could not be had was told before this was fixed. */
const CANNOT_BE_WATCHED = 'cannot be watched through this relay';

/** Waits until the guest shows `text` and no interrupted notice any more. */
async function showsWithoutNotice(guest: ScreenGuest, text: string, what: string): Promise<void> {
  let last = '';
  await waitFor(what, async () => {
    last = await screenLine(guest);
    return last.includes(text) && !last.includes(HOST_NOTICE);
  }, 30_000).catch((error: Error) => {
    throw new Error(`${error.message}\nScreen was: ${last}`);
  });
}

/**
 * A host whose NATS link runs through a proxy the test cuts, and one relay (with --web) on NATS
 * directly; `run` gets them, everything is stopped after.
 */
async function withOutage(
  id: string,
  run: (w: { world: RelayWorld; proxy: TcpRelay; relay: RunningRelay; deleteEntry(): Promise<void> }) => Promise<void>,
): Promise<void> {
  const nats = await startNatsServer();
  const proxy = new TcpRelay(nats.port);
  await proxy.start();
  const world = await relayWorld({ hostUrls: [`nats://127.0.0.1:${proxy.port}`], relayUrls: [nats.url], relayId: id });
  const nc = await connect({ servers: nats.url });
  try {
    const relay = await world.startRelay({ web: {} });
    const kv = await new Kvm(nc).open(REGISTRY_BUCKET);
    await run({ world, proxy, relay, deleteEntry: async () => void (await kv.delete(id)) });
  } finally {
    await nc.close();
    await world.cleanup();
    await proxy.cut();
    await nats.stop();
  }
}

test("an SSH guest joins a relay at a new size during the host's outage, and another resizes: both see the interrupted notice, stay connected, then the host's screen", async () => {
  await withOutage('outage-join', async ({ world, proxy, relay }) => {
    const g = world.guest(relay, { user: 'outage-join' });
    const resizer = world.guest(relay, { user: 'outage-join' });
    await typeLine(world.sock.tmux, 'broadcast', 'echo before-the-outage');
    for (const x of [g, resizer]) await x.waitForText('before-the-outage', 30_000);

    await proxy.cut();
    await waitForNotice(g, HOST_NOTICE);
    await typeLine(world.sock.tmux, 'broadcast', 'echo typed-while-away');

    // A size the relay has no group of: its group must come from the host, which cannot answer now.
    const late = world.guest(relay, { user: 'outage-join', cols: 100, rows: 30 });
    resizer.resize(90, 28);
    await waitForNotice(late, HOST_NOTICE);
    // The resized guest's new screen: the notice, not what its old size showed.
    await waitFor("the resized guest's new group to show the notice on a screen of its own", async () => {
      const line = await screenLine(resizer);
      return line.includes(HOST_NOTICE) && !line.includes('before-the-outage');
    }, 30_000);
    await waitFor('the relay to hold a group of each new size, each with its guest', () => {
      const sizes = relay.server.groups('outage-join').map((x) => `${x.cols}x${x.rows}:${x.guests}`);
      return sizes.includes('100x30:1') && sizes.includes('90x28:1');
    }, 30_000);
    for (const x of [g, resizer, late]) assert.equal(x.exitCode, undefined, 'every guest is still connected');

    await proxy.resume();
    await showsWithoutNotice(late, 'typed-while-away', 'the late guest to show what the host typed meanwhile, without the notice');
    await showsWithoutNotice(resizer, 'typed-while-away', 'the resized guest to show what the host typed meanwhile, without the notice');
    await matchesPane(world.sock.tmux, late, 'the late guest to show the host pane once the host is back');
    await matchesPane(world.sock.tmux, resizer, 'the resized guest to show the host pane once the host is back');
    await typeLine(world.sock.tmux, 'broadcast', 'echo after-the-return');
    for (const x of [late, resizer, g]) await x.waitForText('after-the-return', 30_000);
    await matchesPane(world.sock.tmux, late, 'the late guest to follow the host after the return');
    for (const x of [g, resizer, late]) {
      assert.equal(x.exitCode, undefined, 'every guest kept its one connection');
      assert.ok(!x.output.includes(CANNOT_BE_WATCHED), 'no guest was told the host cannot be watched');
    }
  });
});

test("a browser guest joins a relay's --web during the host's outage: it sees the interrupted notice, stays connected, then the host's screen", async () => {
  await withOutage('outage-web', async ({ world, proxy, relay }) => {
    const g = world.guest(relay, { user: 'outage-web' });
    await typeLine(world.sock.tmux, 'broadcast', 'echo before-the-outage');
    await g.waitForText('before-the-outage', 30_000);

    await proxy.cut();
    await waitForNotice(g, HOST_NOTICE);
    await typeLine(world.sock.tmux, 'broadcast', 'echo typed-while-away');

    const origin = relay.web?.origin ?? assert.fail('the relay serves browser guests');
    const page = new WebGuestClient(`${origin.replace(/^http/, 'ws')}/w/outage-web/socket`, { cols: 90, rows: 28 });
    try {
      await page.opened;
      page.size(90, 28);
      await waitForNotice(page, HOST_NOTICE);
      assert.equal(page.closeCode, undefined, 'the page is still connected');
      assert.ok(!page.messages.some((m) => m.type === 'end'), 'the page was not told its view ended');

      await proxy.resume();
      await showsWithoutNotice(page, 'typed-while-away', 'the page to show what the host typed meanwhile, without the notice');
      await matchesPane(world.sock.tmux, page, 'the page to show the host pane once the host is back');
      await typeLine(world.sock.tmux, 'broadcast', 'echo after-the-return');
      await page.waitForText('after-the-return', 30_000);
      assert.equal(page.closeCode, undefined, 'the page kept its one socket');
      assert.ok(!page.output.includes(CANNOT_BE_WATCHED), 'the page was not told the host cannot be watched');
    } finally {
      page.close();
    }
  });
});

test("a guest who joined during the host's outage reads that the broadcast ended once the host's registry entry lapses", async () => {
  await withOutage('outage-gone', async ({ world, proxy, relay, deleteEntry }) => {
    const g = world.guest(relay, { user: 'outage-gone' });
    await typeLine(world.sock.tmux, 'broadcast', 'echo before-the-host-vanished');
    await g.waitForText('before-the-host-vanished', 30_000);
    await proxy.cut();
    await waitForNotice(g, HOST_NOTICE);
    const late = world.guest(relay, { user: 'outage-gone', cols: 100, rows: 30 });
    await waitForNotice(late, HOST_NOTICE);
    // The entry lapses as its TTL would (30 s without a refresh); the relay asks the registry.
    await deleteEntry();
    for (const x of [late, g]) {
      // The reason is the guest's last word, on its own screen (written after leaving tmux's
      // alternate one, which would wipe it), not the bare "the broadcast has ended".
      await x.waitForExit(60_000);
      await waitForNotice(x, HOST_GONE_MESSAGE.slice(0, 60));
      assert.ok(!(await screenLine(x)).includes(ENDED_MESSAGE), 'said once, with the reason');
    }
    assert.ok(!late.output.includes(CANNOT_BE_WATCHED), 'the late guest was told the broadcast ended, not that the host cannot be watched');
    await waitFor('the relay to let go of the broadcast', () => relay.server.broadcastIds.length === 0, 30_000);
  });
});

/** The real link, counting the groups it asks the host for. */
class CountingLink extends RelayLink {
  opens = 0;
  override async open(cols: number, rows: number, term: string): Promise<OpenReply> {
    this.opens++;
    return super.open(cols, rows, term);
  }
}

/** A guest that records what it is sent and how its group ended. */
function recordingGuest(): { feed: GuestFeed; output: string; exit: { code: number; tail: string } | undefined; onGroupExit(code: number, tail: string): void } {
  const sink: GuestSink = {
    writable: true,
    writableLength: 0,
    write: (data: Buffer, done: () => void) => {
      guest.output += data.toString('utf8');
      done();
    },
    on: () => sink,
  };
  const guest = {
    feed: new GuestFeed(sink),
    output: '',
    exit: undefined as { code: number; tail: string } | undefined,
    onGroupExit(code: number, tail: string) {
      guest.exit = { code, tail };
    },
  };
  return guest;
}

test('a host that answers a request for a group with an error is shown at once, not asked again; one that does not answer is asked again', async () => {
  const world = await relayWorld({ relayId: 'outage-refusal' });
  const nc = await connect({ servers: world.nats.url });
  const groups: RelayGroup[] = [];
  try {
    // A size the host's parser refuses (not whole numbers): the host is there and says no.
    const refusedLink = new CountingLink(nc, 'outage-refusal', 'refusal-relay');
    const refused = new RelayGroup(refusedLink, 80.5, 24, 'xterm-256color', () => undefined);
    groups.push(refused);
    const guest = recordingGuest();
    refused.add(guest);
    await refused.open(() => undefined);
    await waitFor('the refused guest to be told why and let go', () => guest.exit, 30_000);
    assert.equal(guest.exit?.code, 1);
    assert.match(guest.output, /cannot be watched through this relay right now \(not an open request\)/);
    assert.equal(refusedLink.opens, 1, 'the host was asked once');
    assert.equal(refused.running, false);

    // No host serves this id: nobody answers, and the group keeps asking (with its guest kept).
    const silentLink = new CountingLink(nc, 'nobody-hosts-this', 'refusal-relay');
    const silent = new RelayGroup(silentLink, 80, 24, 'xterm-256color', () => undefined);
    groups.push(silent);
    const waiting = recordingGuest();
    silent.add(waiting);
    void silent.open(() => undefined);
    await waitFor('the relay to ask again', () => silentLink.opens >= 3, 30_000);
    assert.equal(waiting.exit, undefined, 'the guest is kept while the host does not answer');
    // (Drawn over the last two rows of an 80-column screen: its first 60 characters are on one.)
    assert.ok(waiting.output.includes(HOST_NOT_ANSWERING_MESSAGE.slice(0, 60)), `the guest reads why it waits: ${JSON.stringify(waiting.output)}`);
    assert.equal(silent.running, true);
  } finally {
    for (const group of groups) group.end(0);
    await nc.close();
    await world.cleanup();
  }
});
