// Relays on NATS, end to end with real processes: nats-server (JetStream), a host broadcasting
// with --relay, the relay's real code in this process, and OpenSSH `ssh` guests rendered in a
// headless xterm. Phase 1 of #18 (no cluster, no faults beyond the host's stop yet).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { ENDED_MESSAGE } from '../../src/host/messages';
import { REGISTRY_BUCKET } from '../../src/wire/relayProtocol';
import { boundedTest } from '../helpers/embeddedFixture';
import { PtyClient } from '../helpers/ptyClient';
import { relayWorld, RelayWorld } from '../helpers/relayWorld';
import { waitFor } from '../helpers/screen';
import { capturePane, typeLine } from '../helpers/tmuxFixture';
import { startWatcher } from '../helpers/watcher';

const test = (name: string, fn: () => Promise<void>): void => boundedTest(name, fn, { timeoutMs: 90_000 });

/** The guest's rows above tmux's status line equal the host's pane (80x24 guest, 80x23 pane). */
async function matchesPane(world: RelayWorld, guest: PtyClient, what: string): Promise<void> {
  let last = '';
  await waitFor(what, async () => {
    const pane = (await capturePane(world.sock.tmux, 'broadcast')).map((l) => l.trimEnd());
    const seen = (await guest.lines()).slice(0, pane.length).map((l) => l.trimEnd());
    last = `${seen.join('\n')}\n----- vs capture-pane -----\n${pane.join('\n')}`;
    return JSON.stringify(seen) === JSON.stringify(pane);
  }, 20_000).catch((error: Error) => {
    throw new Error(`${error.message}\n${last}`);
  });
}

// Colour and scrolling: what a snapshot and the sequence must carry without a gap or a repeat.
const BUSY = `for i in $(seq 1 300); do printf '\\033[1;3%dmline-%d\\033[0m tail\\n' $((i % 7)) $i; done; echo busy-done`;

test('guests through a relay see the host, share one subscription and one host group, and a late joiner starts from a snapshot', async () => {
  const world = await relayWorld();
  try {
    await typeLine(world.sock.tmux, 'broadcast', 'echo first-screen');
    const relay = await world.startRelay();
    const a = world.guest(relay);
    await a.waitForText('first-screen', 20_000);
    await typeLine(world.sock.tmux, 'broadcast', 'echo later-output');
    await a.waitForText('later-output', 20_000);
    await matchesPane(world, a, 'the first guest to show the host pane');

    const b = world.guest(relay);
    await b.waitForText('later-output', 20_000);
    // Two guests of one size: one group on the relay (one subscription), one on the host.
    await waitFor('two guests in the relay group', () => relay.server.groups(world.id).length === 1 && relay.server.groups(world.id)[0].guests === 2);
    assert.equal(world.route.relayGroups().length, 1);

    await typeLine(world.sock.tmux, 'broadcast', BUSY);
    await a.waitForText('busy-done', 30_000);
    // A late joiner, while the screen has scrolled and coloured: the relay's snapshot, then live.
    const c = world.guest(relay);
    await c.waitForText('busy-done', 20_000);
    await typeLine(world.sock.tmux, 'broadcast', 'echo after-late-join');
    for (const [g, name] of [[a, 'a'], [b, 'b'], [c, 'c']] as const) {
      await g.waitForText('after-late-join', 20_000);
      await matchesPane(world, g, `guest ${name} to show the host pane after the late join`);
    }
    // Every frame the host published reached the relay once, however many guests: from the first
    // frame its one subscription got (earlier ones are in the group's first snapshot) to the last.
    const hostGroup = world.route.relayGroups()[0];
    await waitFor('the relay to have every frame', () => relay.server.groups(world.id)[0]?.lastFrameSeq === world.route.relayGroups()[0].seq);
    assert.ok(hostGroup.seq > 0);
    const [relayGroup] = relay.server.groups(world.id);
    assert.equal(relayGroup.frames, relayGroup.lastFrameSeq - relayGroup.firstFrameSeq + 1, 'each frame once, none missing');
    assert.equal(relay.server.groups(world.id).length, 1);

    // status --json's relay part, with the relay's address once it announced itself.
    await waitFor('the watch line to name the relay', () => world.broadcast.status().relay?.watch.includes(`${world.id}@127.0.0.1`));
    const status = world.broadcast.status().relay;
    assert.equal(status?.id, world.id);
    assert.equal(status?.url, world.nats.url);
    assert.match(status?.watch ?? '', new RegExp(`^ssh -p \\d+ ${world.id}@127\\.0\\.0\\.1$`));
    assert.match(world.id, /^[A-Za-z0-9][A-Za-z0-9_-]{21}$/);
    // The relay's guests are the host's viewers too (relays publish presence).
    await waitFor('three relay guests in the host list', () => world.broadcast.status().viewers.filter((v) => v.route === 'relay').length === 3);
  } finally {
    await world.cleanup();
  }
});

test('an unknown broadcast id is refused with a message saying so', async () => {
  const world = await relayWorld();
  try {
    const relay = await world.startRelay();
    const g = world.guest(relay, { user: 'no-such-broadcast' });
    await g.waitForText('no broadcast "no-such-broadcast" is served through this relay', 20_000);
    assert.equal(await g.waitForExit(), 1);
  } finally {
    await world.cleanup();
  }
});

test('the host stops: relay guests see the broadcast end and the registry entry is gone', async () => {
  const world = await relayWorld({ relayId: 'stop-test' });
  try {
    const relay = await world.startRelay();
    const g = world.guest(relay, { user: 'stop-test' });
    await typeLine(world.sock.tmux, 'broadcast', 'echo watching-now');
    await g.waitForText('watching-now', 20_000);
    await world.broadcast.stop();
    await g.waitForText(ENDED_MESSAGE, 20_000);
    assert.equal(await g.waitForExit(), 0);
    const nc = await connect({ servers: world.nats.url });
    try {
      const kv = await new Kvm(nc).open(REGISTRY_BUCKET);
      const entry = await kv.get('stop-test');
      assert.ok(!entry || entry.operation !== 'PUT', 'the registry entry is gone');
    } finally {
      await nc.close();
    }
    // A guest arriving now is told there is no such broadcast.
    const late = world.guest(relay, { user: 'stop-test' });
    await late.waitForText('no broadcast "stop-test"', 20_000);
    // The relay keeps nothing of a broadcast nobody watches any more (no timer, no subscription).
    await waitFor('the relay to let go of the broadcast', () => relay.server.broadcastIds.length === 0);
  } finally {
    await world.cleanup();
  }
});

test('a watcher through a relay learns the host\'s terminal size over its host-size channel, and each change (fit mode)', async () => {
  const world = await relayWorld();
  const root = mkdtempSync(join(tmpdir(), 'gb-relay-size-'));
  const cleanups: Array<() => void> = [];
  try {
    const relay = await world.startRelay();
    const port = Number(relay.server.listenAddress.split(':').pop());
    const viewer = startWatcher(root, cleanups, port, { user: world.id });
    const sizes: string[] = [];
    viewer.session.onHostSize?.((size) => sizes.push(size ? `${size.cols}x${size.rows}` : 'unknown'));
    await viewer.until('live', 30_000);
    // The host's read-write client is 80x24 (relayWorld); the watcher's own size does not matter.
    await waitFor('the host size through the relay', () => sizes.includes('80x24'), 20_000).catch((e: Error) => {
      throw new Error(`${e.message}; told: ${JSON.stringify(sizes)}`);
    });
    world.hostClient.resize(100, 30);
    await waitFor('the host\'s new size through the relay', () => sizes.includes('100x30'), 20_000).catch((e: Error) => {
      throw new Error(`${e.message}; told: ${JSON.stringify(sizes)}`);
    });
  } finally {
    for (const c of cleanups) c();
    await world.cleanup();
    rmSync(root, { recursive: true, force: true });
  }
});

test('a second host given the relay id of a live broadcast is refused, and the first one\'s guests watch on', async () => {
  const world = await relayWorld({ relayId: 'taken-id' });
  try {
    const relay = await world.startRelay();
    const g = world.guest(relay, { user: 'taken-id' });
    await typeLine(world.sock.tmux, 'broadcast', 'echo first-host-$((3*3))');
    await g.waitForText('first-host-9', 20_000);
    await assert.rejects(relayWorld({ relayId: 'taken-id', hostUrls: [world.nats.url] }), /The relay id "taken-id" is in use on NATS .* by another host that is broadcasting now, session "broadcast"\. Give this broadcast another --relay-id, or stop that host first\./);
    // The refused host neither took the entry nor ended anything: the first host's guest watches on.
    await typeLine(world.sock.tmux, 'broadcast', 'echo still-first-$((4*4))');
    await g.waitForText('still-first-16', 20_000);
    const late = world.guest(relay, { user: 'taken-id' });
    await late.waitForText('still-first-16', 20_000);

    // An entry whose host no longer beats (it crashed; its entry has not lapsed yet) is taken over.
    const nc = await connect({ servers: world.nats.url });
    try {
      const kv = await new Kvm(nc).open(REGISTRY_BUCKET);
      await kv.put('crashed-id', JSON.stringify({ v: 1, session: 'gone', cols: 80, rows: 24, started: new Date().toISOString(), owner: 'someone-else', access: 'open' }));
    } finally {
      await nc.close();
    }
    const again = await relayWorld({ relayId: 'crashed-id', hostUrls: [world.nats.url] });
    try {
      const g2 = again.guest(relay, { user: 'crashed-id' });
      await typeLine(again.sock.tmux, 'broadcast', 'echo took-it-over-$((5*5))');
      await g2.waitForText('took-it-over-25', 20_000);
    } finally {
      await again.cleanup();
    }
  } finally {
    await world.cleanup();
  }
});

test('the host\'s watch line names a relay before any guest came: a relay started later answers the next hello, a host started later knows it at once', async () => {
  const world = await relayWorld();
  try {
    assert.match(world.broadcast.status().relay?.watch ?? '', /RELAY/, 'no relay yet: a placeholder');
    const relay = await world.startRelay();
    const port = Number(relay.server.listenAddress.split(':').pop());
    // The host says hello with each heartbeat (10 s): the relay answers with its address.
    await waitFor('the watch line to name the relay', () => world.broadcast.status().relay?.watch === `ssh -p ${port} ${world.id}@127.0.0.1`, 25_000);
    // A host that starts while the relay runs names it in its first status (its start waits for the answer).
    const second = await relayWorld({ hostUrls: [world.nats.url] });
    try {
      assert.equal(second.broadcast.status().relay?.watch, `ssh -p ${port} ${second.id}@127.0.0.1`);
      const g = second.guest(relay);
      await typeLine(second.sock.tmux, 'broadcast', 'echo second-host-$((6*6))');
      await g.waitForText('second-host-36', 20_000);
    } finally {
      await second.cleanup();
    }
  } finally {
    await world.cleanup();
  }
});
