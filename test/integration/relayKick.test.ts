// Kicking a relay guest (#18): the host's viewer list has relay guests (route "relay", with which
// relay); kicking one reaches that relay over NATS, which ends that guest's view with the message
// the embedded server uses, while the others keep watching. Real nats-server, two relays,
// OpenSSH guests.
import assert from 'node:assert/strict';
import { KICKED_MESSAGE } from '../../src/host/messages';
import { boundedTest } from '../helpers/embeddedFixture';
import { relayWorld } from '../helpers/relayWorld';
import { waitFor } from '../helpers/screen';
import { typeLine } from '../helpers/tmuxFixture';

boundedTest('a relay guest kicked from the host list is told so and leaves; the other guests, on that relay and another, keep watching; unknown names are refused', async () => {
  const world = await relayWorld();
  try {
    const one = await world.startRelay();
    const two = await world.startRelay();
    await typeLine(world.sock.tmux, 'broadcast', 'echo before-the-kick');
    // A relay names its guests in the order their connections arrive: b's ssh is started only
    // once a watches, so a is relay-0's first guest (two ssh started together may connect either way).
    const a = world.guest(one);
    await a.waitForText('before-the-kick', 20_000);
    const b = world.guest(one);
    const c = world.guest(two);
    for (const g of [b, c]) await g.waitForText('before-the-kick', 20_000);
    const relayGuests = () => world.broadcast.status().viewers.filter((v) => v.route === 'relay');
    await waitFor('three relay guests in the host list', () => relayGuests().length === 3, 20_000);
    // Which listed guest is a? The first to connect to relay-0 (its names count up).
    const onOne = relayGuests().filter((v) => v.name.startsWith('relay-0/')).sort((x, y) => x.name.localeCompare(y.name, 'en', { numeric: true }));
    assert.equal(onOne.length, 2);
    assert.match(onOne[0].address ?? '', /via relay-0$/);

    // Names not in the list are refused, even one a relay would know.
    assert.equal(await world.broadcast.kick('relay-0/guest-999'), false);
    const onTwo = relayGuests().filter((v) => v.name.startsWith('relay-1/')).map((v) => v.name);
    assert.deepEqual(onTwo, ['relay-1/guest-1']);
    assert.equal(await world.broadcast.kick('relay-1/guest-2'), false, 'relay-0 has a guest-2, relay-1 has not');
    assert.equal(await world.broadcast.kick('relay-9/guest-1'), false, 'no such relay');
    assert.equal(await world.broadcast.kick('guest-1'), false);

    assert.equal(await world.broadcast.kick(onOne[0].name), true);
    await a.waitForText(KICKED_MESSAGE, 20_000);
    await a.waitForExit();
    await typeLine(world.sock.tmux, 'broadcast', 'echo after-the-kick');
    await b.waitForText('after-the-kick', 20_000);
    await c.waitForText('after-the-kick', 20_000);
    await waitFor('two relay guests listed', () => relayGuests().length === 2 && !relayGuests().some((v) => v.name === onOne[0].name), 20_000);
  } finally {
    await world.cleanup();
  }
}, { timeoutMs: 90_000 });
