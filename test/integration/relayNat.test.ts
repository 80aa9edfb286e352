// The host behind NAT (#18): the real CLI `guest-broadcast host --relay` runs in a network
// namespace that reaches only the NATS port and that nothing can connect into (test/helpers/
// natBox.ts), as a laptop on café Wi-Fi. Relays and OpenSSH guests outside watch it; the
// namespaces are made per run and deleted afterwards.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { ENDED_MESSAGE } from '../../src/host/messages';
import { RunningRelay, startRelay } from '../../src/relay/startRelay';
import { CliProcess, cliWorld } from '../helpers/cliProcess';
import { boundedTest, opensshArgv } from '../helpers/embeddedFixture';
import { freePort } from '../helpers/freePort';
import { canConnect, makeNatBox, NatBox } from '../helpers/natBox';
import { NatsServer, startNatsServer } from '../helpers/natsServer';
import { PtyClient } from '../helpers/ptyClient';
import { matchesPane } from '../helpers/relayScreens';
import { typeLine, TEST_SHELL } from '../helpers/tmuxFixture';

const world = cliWorld('gb-relaynat-');
let box: NatBox | undefined;
let nats: NatsServer | undefined;
const relays: RunningRelay[] = [];

before(async () => {
  box = makeNatBox();
  // nats-server alone in its namespace, on both of its links.
  nats = await startNatsServer({ address: '0.0.0.0', netns: box.natsNs });
});
after(async () => {
  for (const r of relays) await r.stop().catch(() => undefined);
  await nats?.stop();
  box?.cleanup();
});

/** OpenSSH's ssh to a relay at `address` (the fixture's argv, with that address). */
function guestAt(address: string, port: number, user: string): PtyClient {
  const argv = opensshArgv(port, user, ['-o', 'IdentityFile=none']);
  argv[argv.length - 1] = `${user}@${address}`;
  const guest = new PtyClient(argv, { cols: 80, rows: 24, env: { SSH_AUTH_SOCK: '' } });
  world.cleanups.push(() => guest.kill());
  return guest;
}

boundedTest('the host behind NAT (a namespace that reaches only NATS, nothing connects in): two relays outside serve its ssh guests', async () => {
  if (!box || !nats) throw new Error('no namespaces');
  const id = `nat-${process.pid}`;
  const sshPort = await freePort();
  const host = new CliProcess(
    ['host', '--socket', world.sock.socketPath, '--listen', `0.0.0.0:${sshPort}`, '--state-dir', world.stateDir, '--command', TEST_SHELL, '--tmux-config', '/dev/null', '--relay', `nats://${box.natsForHost}:${nats.port}`, '--relay-id', id],
    world.env,
    ['ip', 'netns', 'exec', box.hostNs],
  );
  world.cleanups.push(() => host.kill());
  try {
    await host.waitForOutput('Press Ctrl-C to stop the broadcast.', 30_000);
    // Relays outside: one on this namespace's veth address (the one the host would have to reach
    // to get out), one on loopback. Both reach NATS through its own address on our side.
    const natsUrl = `nats://${box.natsForUs}:${nats.port}`;
    for (const [i, address] of [box.ourAddress, '127.0.0.1'].entries()) {
      relays.push(await startRelay({ urls: [natsUrl], listen: { host: address, port: 0 }, keyPath: join(world.sock.dir, `relay-${i}`, 'key'), name: `nat-relay-${i}`, maxGuests: 10, maxPerAddress: 10 }));
    }
    const relayPorts = relays.map((r) => Number(r.server.listenAddress.split(':').pop()));

    // The host's embedded SSH server listens (it answers inside its namespace)…
    assert.deepEqual(await canConnect('127.0.0.1', sshPort, box.hostNs), { ok: true, why: 'connected' });
    // …and nothing outside can connect to it, though this namespace routes towards it.
    const inward = await canConnect(box.hostAddress, sshPort);
    assert.equal(inward.ok, false, `a connection into the host's namespace: ${inward.why}`);
    // The host reaches NATS, and nothing else: not a relay (on the address it would leave by),
    // not another port where NATS runs.
    assert.equal((await canConnect(box.natsForHost, nats.port, box.hostNs)).ok, true);
    const toRelay = await canConnect(box.ourAddress, relayPorts[0], box.hostNs);
    assert.equal(toRelay.ok, false, `the host reaching a relay directly: ${toRelay.why}`);
    const otherPort = await canConnect(box.natsForHost, sshPort, box.hostNs);
    assert.equal(otherPort.ok, false, `the host reaching another port beside NATS: ${otherPort.why}`);

    const guests = [guestAt(box.ourAddress, relayPorts[0], id), guestAt('127.0.0.1', relayPorts[1], id)];
    await typeLine(world.sock.tmux, 'broadcast', 'echo hello-from-behind-nat');
    for (const [i, g] of guests.entries()) {
      await g.waitForText('hello-from-behind-nat', 30_000);
      await matchesPane(world.sock.tmux, g, `relay ${i}'s guest to show the host pane`);
    }

    host.signal('SIGINT');
    for (const g of guests) {
      await g.waitForText(ENDED_MESSAGE, 30_000);
      assert.equal(await g.waitForExit(30_000), 0);
    }
    assert.equal(await host.waitForExit(30_000), 0);
  } finally {
    host.kill();
  }
}, { timeoutMs: 120_000 });
