// Relays on NATS when things break (#18's faults), with real processes only: nats-server (one, or
// a three-node JetStream cluster), a host broadcasting with --relay, the relay's real code, TCP
// proxies cut and restored, nodes killed with SIGKILL, and OpenSSH `ssh` guests rendered in a
// headless xterm and compared with the host's pane (capture-pane).
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { ENDED_MESSAGE } from '../../src/host/messages';
import { HOST_GONE_MESSAGE, HOST_INTERRUPTED_MESSAGE, REGISTRY_BUCKET, RELAY_INTERRUPTED_MESSAGE } from '../../src/wire/relayProtocol';
import { boundedTest } from '../helpers/embeddedFixture';
import { NatsCluster, NatsNode, startNatsCluster } from '../helpers/natsCluster';
import { startNatsServer } from '../helpers/natsServer';
import { RunningRelay } from '../../src/relay/startRelay';
import { relayWorld, RelayWorld } from '../helpers/relayWorld';
import { matchesPane, screenLine, waitForNotice } from '../helpers/relayScreens';
import { waitFor } from '../helpers/screen';
import { TcpRelay } from '../helpers/tcpRelay';
import { typeLine } from '../helpers/tmuxFixture';
import { WebGuestClient } from '../helpers/webFixture';

const test = (name: string, fn: () => Promise<void>): void => boundedTest(name, fn, { timeoutMs: 150_000 });

/** The interrupted notices' first words, as a guest's screen reads them however they wrap. */
const HOST_NOTICE = HOST_INTERRUPTED_MESSAGE.slice(0, 60);
const RELAY_NOTICE = RELAY_INTERRUPTED_MESSAGE.slice(0, 60);

async function registry(url: string | string[]): Promise<{ nc: NatsConnection; kv: KV }> {
  const nc = await connect({ servers: url });
  return { nc, kv: await new Kvm(nc).open(REGISTRY_BUCKET) };
}

/** Whether the registry lists `id`; a get that fails (this test's own link moving off a killed node) is asked again. */
async function registered(kv: KV, id: string): Promise<boolean> {
  const entry = await waitFor(`the registry to answer about ${id}`, async () => ({ entry: await kv.get(id) }), 30_000, 500);
  return entry.entry?.operation === 'PUT';
}

test("the host's NATS link drops for a few seconds: relay guests see it is interrupted, stay connected, then see the current screen", async () => {
  const nats = await startNatsServer();
  const proxy = new TcpRelay(nats.port);
  await proxy.start();
  const world = await relayWorld({ hostUrls: [`nats://127.0.0.1:${proxy.port}`], relayUrls: [nats.url], relayId: 'link-drop' });
  const { nc, kv } = await registry(nats.url);
  try {
    // One server: the registry keeps one replica (a single server refuses more).
    assert.equal((await kv.status()).replicas, 1);
    const relay = await world.startRelay();
    const g = world.guest(relay, { user: 'link-drop' });
    await typeLine(world.sock.tmux, 'broadcast', 'echo before-the-drop');
    await g.waitForText('before-the-drop', 30_000);
    await matchesPane(world.sock.tmux, g, 'the guest to show the host pane before the drop');

    await proxy.cut();
    await waitForNotice(g, HOST_NOTICE);
    // The host types on meanwhile; its registry entry lapses (as its TTL would over a longer drop).
    await typeLine(world.sock.tmux, 'broadcast', 'echo typed-while-away');
    await kv.delete('link-drop');
    assert.equal(g.exitCode, undefined, 'the guest is still connected');

    await proxy.resume();
    await waitFor('the guest to show what the host typed meanwhile, without the notice', async () => {
      const line = await screenLine(g);
      return line.includes('typed-while-away') && !line.includes(HOST_NOTICE);
    }, 30_000);
    // The host put its registry entry again before its heartbeat let relays recover (not at its
    // next refresh, up to HEARTBEAT_MS later): new guests are admitted from that moment.
    assert.ok(await registered(kv, 'link-drop'), 'the registry entry is back');
    await matchesPane(world.sock.tmux, g, 'the guest to show the host pane after the host is back');
    assert.equal(g.exitCode, undefined, 'the guest never reconnected: its one ssh connection goes on');
    // Its subscriptions are live again: a guest of a new size needs a new group from the host
    // (P.open, then P.snap).
    const late = world.guest(relay, { user: 'link-drop', cols: 100, rows: 30 });
    await late.waitForText('typed-while-away', 30_000);
    await typeLine(world.sock.tmux, 'broadcast', 'echo after-the-return');
    await late.waitForText('after-the-return', 30_000);
    await matchesPane(world.sock.tmux, g, 'the first guest to follow the host after the return');
  } finally {
    await nc.close();
    await world.cleanup();
    await proxy.cut();
    await nats.stop();
  }
});

test("a relay's own NATS link drops (until the host lets go of its group): its guests see that relay's link is interrupted, then the current screen", async () => {
  const nats = await startNatsServer();
  const proxy = new TcpRelay(nats.port);
  await proxy.start();
  const world = await relayWorld({ hostUrls: [nats.url], relayUrls: [`nats://127.0.0.1:${proxy.port}`], relayId: 'relay-drop' });
  try {
    const relay = await world.startRelay();
    const g = world.guest(relay, { user: 'relay-drop' });
    await typeLine(world.sock.tmux, 'broadcast', 'echo before-the-relay-drop');
    await g.waitForText('before-the-relay-drop', 30_000);

    await proxy.cut();
    await waitForNotice(g, RELAY_NOTICE);
    // Long enough for the host to let go of the group (no lease reached it): the relay asks for it again.
    await waitFor('the host to let go of the relay group', () => world.route.relayGroups().length === 0, 60_000);
    await typeLine(world.sock.tmux, 'broadcast', 'echo typed-while-the-relay-was-away');
    await proxy.resume();
    await waitFor('the guest to show what the host typed meanwhile, without the notice', async () => {
      const line = await screenLine(g);
      return line.includes('typed-while-the-relay-was-away') && !line.includes(RELAY_NOTICE);
    }, 30_000);
    await matchesPane(world.sock.tmux, g, 'the guest to show the host pane after the relay is back');
    assert.equal(g.exitCode, undefined, 'the guest is still connected');
    await typeLine(world.sock.tmux, 'broadcast', 'echo live-again');
    await g.waitForText('live-again', 30_000);
  } finally {
    await world.cleanup();
    await proxy.cut();
    await nats.stop();
  }
});

test("the host's link never comes back: once its registry entry lapses, relay guests are told the broadcast ended", async () => {
  const nats = await startNatsServer();
  const proxy = new TcpRelay(nats.port);
  await proxy.start();
  const world = await relayWorld({ hostUrls: [`nats://127.0.0.1:${proxy.port}`], relayUrls: [nats.url], relayId: 'host-gone' });
  const { nc, kv } = await registry(nats.url);
  let page: WebGuestClient | undefined;
  try {
    const relay = await world.startRelay({ web: {} });
    const g = world.guest(relay, { user: 'host-gone' });
    // A browser guest of the relay too (the page's socket).
    page = new WebGuestClient(`ws://127.0.0.1:${relay.web!.address.port}/w/host-gone/socket`);
    await page.opened;
    page.size(80, 24);
    await typeLine(world.sock.tmux, 'broadcast', 'echo before-the-host-vanished');
    await g.waitForText('before-the-host-vanished', 30_000);
    await page.waitForText('before-the-host-vanished', 30_000);
    await proxy.cut();
    await waitForNotice(g, HOST_NOTICE);
    // The entry lapses as its TTL would (30 s without a refresh); the relay asks the registry.
    await kv.delete('host-gone');
    await waitForNotice(g, HOST_GONE_MESSAGE.slice(0, 60), 60_000);
    await g.waitForExit(30_000);
    // What the guest's terminal keeps once ssh has exited (the main screen, as tmux leaves it on a
    // detach) says why it ended, once: not the general "ended" line over it.
    const last = await screenLine(g);
    assert.ok(last.includes(HOST_GONE_MESSAGE.slice(0, 60)), `the reason stays on the guest's terminal: ${last}`);
    assert.ok(!last.includes(ENDED_MESSAGE), `no second, vaguer line: ${last}`);
    // The page is told the same, as its end message.
    assert.equal((await page.waitForMessage('end', 30_000)).message, HOST_GONE_MESSAGE);
    await waitFor('the relay to let go of the broadcast', () => relay.server.broadcastIds.length === 0, 30_000);
    // Stopped while NATS is still out of reach: it says what relay guests will read, and when.
    await world.broadcast.stop();
    assert.ok(world.warnings.some((w) => /NATS \(.*\) is unreachable: relay guests read that the broadcast ended once its registry entry lapses \(within 30 s\)\./.test(w)), world.warnings.join('\n'));
  } finally {
    page?.close();
    await nc.close();
    await world.cleanup();
    await proxy.cut();
    await nats.stop();
  }
});

// ---- a three-node cluster, shared by the tests below ----

let cluster: NatsCluster;
before(async () => {
  cluster = await startNatsCluster();
});
after(async () => {
  await cluster?.stop();
});

function nodeOf(server: string): NatsNode {
  return cluster.nodeAt(Number(server.split(':').pop()));
}

/** Every killed node back, and JetStream able to keep three replicas again. */
async function healCluster(): Promise<void> {
  for (const node of cluster.nodes) await cluster.restart(node);
  await cluster.waitForJetStream();
}

test('one node of a three-node cluster is killed (the host\'s, then a relay\'s): guests follow the host and new guests still log in', async () => {
  await healCluster();
  const world = await relayWorld({ hostUrls: cluster.urls, relayId: 'cluster-kill' });
  const { nc, kv } = await registry(cluster.urls);
  try {
    // The registry is kept on all three nodes.
    assert.equal((await kv.status()).replicas, 3);
    const relays = [await world.startRelay(), await world.startRelay()];
    const guests = relays.map((r) => world.guest(r, { user: 'cluster-kill' }));
    await typeLine(world.sock.tmux, 'broadcast', 'echo all-nodes-up');
    for (const g of guests) await g.waitForText('all-nodes-up', 30_000);

    // The node leading the registry's stream dies: the entry lives on the other two (with one
    // replica it would be gone, and every new guest refused until the host's next refresh).
    const leader = (await kv.status()).streamInfo.cluster?.leader ?? '';
    const leaderNode = cluster.nodes.find((n) => n.name === leader);
    assert.ok(leaderNode, `the registry's leader "${leader}" is a node of the cluster`);
    await cluster.kill(leaderNode);
    for (const r of relays) {
      const late = world.guest(r, { user: 'cluster-kill' });
      await late.waitForText('all-nodes-up', 30_000);
    }
    await healCluster();

    // The node the host is connected to dies.
    const hostNode = nodeOf(world.route.natsServer());
    await cluster.kill(hostNode);
    await waitFor('the host to move to another node', () => world.route.natsServer() !== '' && nodeOf(world.route.natsServer()) !== hostNode, 30_000);
    await typeLine(world.sock.tmux, 'broadcast', 'echo after-the-host-node-died');
    for (const [i, g] of guests.entries()) {
      await g.waitForText('after-the-host-node-died', 30_000);
      await matchesPane(world.sock.tmux, g, `relay ${i}'s guest to follow the host after its node died`);
    }
    // The registry survived: a new guest logs in on each relay.
    for (const r of relays) {
      const late = world.guest(r, { user: 'cluster-kill' });
      await late.waitForText('after-the-host-node-died', 30_000);
    }

    // Back to three nodes; then the node a relay is on dies (one the host is not on, if any).
    await healCluster();
    const hostNow = nodeOf(world.route.natsServer());
    const victim: RunningRelay = relays.find((r) => nodeOf(r.natsServer()) !== hostNow) ?? relays[0];
    const relayNode = nodeOf(victim.natsServer());
    await cluster.kill(relayNode);
    await waitFor('the relay to move to another node', () => victim.natsServer() !== '' && nodeOf(victim.natsServer()) !== relayNode, 30_000);
    await typeLine(world.sock.tmux, 'broadcast', 'echo after-the-relay-node-died');
    for (const [i, g] of guests.entries()) {
      await g.waitForText('after-the-relay-node-died', 30_000);
      await matchesPane(world.sock.tmux, g, `relay ${i}'s guest to follow the host after a relay's node died`);
      assert.equal(g.exitCode, undefined, `relay ${i}'s guest is still connected`);
    }
    const late = world.guest(victim, { user: 'cluster-kill' });
    await late.waitForText('after-the-relay-node-died', 30_000);
    assert.ok(await registered(kv, 'cluster-kill'));
  } finally {
    await nc.close();
    await world.cleanup();
  }
});

test('the host stops: guests of two relays on different cluster nodes see the broadcast end, and the registry entry is gone', async () => {
  await healCluster();
  const [n1, n2, n3] = cluster.nodes;
  const world = await relayWorld({ hostUrls: [n3.url], relayId: 'cluster-stop' });
  const { nc, kv } = await registry(n1.url);
  try {
    const relays = [await world.startRelay([n1.url]), await world.startRelay([n2.url])];
    assert.deepEqual(relays.map((r) => nodeOf(r.natsServer()).name), ['n1', 'n2']);
    const guests = relays.map((r) => world.guest(r, { user: 'cluster-stop' }));
    await typeLine(world.sock.tmux, 'broadcast', 'echo watching-from-two-nodes');
    for (const g of guests) await g.waitForText('watching-from-two-nodes', 30_000);
    assert.ok(await registered(kv, 'cluster-stop'));

    await world.broadcast.stop();
    for (const g of guests) {
      await g.waitForText(ENDED_MESSAGE, 30_000);
      assert.equal(await g.waitForExit(30_000), 0);
    }
    // Gone on every node (KV get through n1 and through n2).
    assert.equal(await registered(kv, 'cluster-stop'), false);
    const other = await registry(n2.url);
    try {
      assert.equal(await registered(other.kv, 'cluster-stop'), false);
    } finally {
      await other.nc.close();
    }
    const late = world.guest(relays[1], { user: 'cluster-stop' });
    await late.waitForText('no broadcast "cluster-stop"', 30_000);
  } finally {
    await nc.close();
    await world.cleanup();
  }
});
