// The NATS permissions of docs/nats-permissions.conf, loaded into a real nats-server 2.9 as the
// README tells users to: a host (its own user, bound to its broadcast id) and a relay work end
// to end with them, and the relay's user cannot publish a group frame (a guest's screen does not
// change) nor write the registry (the KV put fails).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { encodeControl, encodeFrame, REGISTRY_BUCKET, subjects } from '../../src/wire/relayProtocol';
import { boundedTest } from '../helpers/embeddedFixture';
import { startNatsServer } from '../helpers/natsServer';
import { relayWorld } from '../helpers/relayWorld';
import { typeLine } from '../helpers/tmuxFixture';
import { waitFor } from '../helpers/screen';

const CONF = join(__dirname, '..', '..', '..', 'docs', 'nats-permissions.conf');

boundedTest('docs/nats-permissions.conf: a host and a relay work end to end; the relay user cannot publish a frame, an end or a kick, nor put the registry key', async () => {
  // nats-server reads the passwords from its environment, as the file says.
  process.env.GB_HOST_PASSWORD = 'host-secret-1';
  process.env.GB_RELAY_PASSWORD = 'relay-secret-1';
  const nats = await startNatsServer({ config: () => readFileSync(CONF, 'utf8') });
  const world = await relayWorld({ nats, relayId: 'team-demo', hostAuth: { user: 'host-team-demo', pass: 'host-secret-1' }, relayAuth: { user: 'relay', pass: 'relay-secret-1' } });
  const hostile = await connect({ servers: nats.url, user: 'relay', pass: 'relay-secret-1' });
  try {
    const relay = await world.startRelay();
    // The relay's user may hear hosts' hellos: the host learns the relay's address before any guest.
    const port = Number(relay.server.listenAddress.split(':').pop());
    await waitFor("the host's watch line to name the relay", () => world.broadcast.status().relay?.watch === `ssh -p ${port} team-demo@127.0.0.1`, 25_000);
    const guest = world.guest(relay, { user: 'team-demo' });
    await typeLine(world.sock.tmux, 'broadcast', 'echo with-permissions');
    await guest.waitForText('with-permissions', 20_000);
    const group = world.route.relayGroups()[0];
    assert.ok(group);

    // A relay's user publishing what only the host may: the next frame's number, an end, a kick.
    const errors: string[] = [];
    void (async () => {
      for await (const s of hostile.status()) if (s.type === 'error') errors.push(String(s.error));
    })();
    for (let seq = group.seq + 1; seq < group.seq + 4; seq++) hostile.publish(subjects.group('team-demo', group.id), encodeFrame('bytes', seq, Buffer.from('\r\nHIJACKED-SCREEN\r\n')));
    hostile.publish(subjects.ended('team-demo'), encodeControl({ message: 'HIJACKED-END', ended: true }));
    hostile.publish(subjects.kick('team-demo'), encodeControl({ relay: 'relay-0', guest: 'guest-1', message: 'HIJACKED-KICK' }));
    await hostile.flush();
    const kv = await new Kvm(hostile).open(REGISTRY_BUCKET);
    await assert.rejects(kv.put('team-demo', '{"v":1}', { timeout: 3000 } as never), 'the relay user cannot write the registry');
    assert.ok((await kv.get('team-demo'))?.string().includes('"access":"open"'), 'the host\'s entry is untouched');

    await typeLine(world.sock.tmux, 'broadcast', 'echo after-the-hostile-relay');
    await guest.waitForText('after-the-hostile-relay', 20_000);
    const screen = (await guest.lines()).join('\n');
    assert.doesNotMatch(screen, /HIJACKED/);
    assert.ok(errors.some((e) => /permissions violation/i.test(e)), `NATS said no: ${errors.join('; ')}`);

    // The host may not read the registry, yet its stop removes its entry (and relays believe the end).
    await world.broadcast.stop();
    await waitFor('the entry to be gone', async () => {
      const entry = await kv.get('team-demo');
      return !entry || entry.operation !== 'PUT';
    }, 15_000);
    await guest.waitForText('the broadcast has ended', 20_000);
  } finally {
    await hostile.close().catch(() => undefined);
    await world.cleanup();
  }
}, { timeoutMs: 90_000 });
