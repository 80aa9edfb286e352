// Relays enforce the broadcast's --access (#18): the host registers what a relay checks (a
// passphrase verifier, the authorized keys' public keys) and the relay's guests log in with the
// embedded server's own code. Real nats-server, host, relay and OpenSSH guests.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { generateEd25519KeyPair } from '../../src/host/embedded/ed25519';
import { loadOrCreatePassphrase, regeneratePassphrase } from '../../src/host/embedded/passphrase';
import { parseRegistryEntry, REGISTRY_BUCKET } from '../../src/wire/relayProtocol';
import { boundedTest, emptyHome, opensshArgv, opensshClient, runClient } from '../helpers/embeddedFixture';
import { relayWorld, RelayWorld } from '../helpers/relayWorld';
import { typeLine } from '../helpers/tmuxFixture';
import { waitFor } from '../helpers/wait';

const test = (name: string, fn: () => Promise<void>): void => boundedTest(name, fn, { timeoutMs: 90_000 });

const portOf = (world: RelayWorld, index = 0): number => Number(world.relays[index].server.listenAddress.split(':').pop());

async function registryText(world: RelayWorld): Promise<string> {
  const nc = await connect({ servers: world.nats.url });
  try {
    const entry = await (await new Kvm(nc).open(REGISTRY_BUCKET)).get(world.id);
    return entry?.string() ?? '';
  } finally {
    await nc.close();
  }
}

const PASSWORD_ONLY = ['-o', 'PubkeyAuthentication=no', '-o', 'NumberOfPasswordPrompts=1'];

test('--access password through a relay: the passphrase lets a guest watch, a wrong one is refused as the embedded server refuses it; the registry holds a verifier, never the passphrase; a regenerated one applies', async () => {
  const world = await relayWorld({ access: 'password' });
  try {
    const passphrase = loadOrCreatePassphrase(join(world.sock.dir, 'state'));
    await world.startRelay();
    await typeLine(world.sock.tmux, 'broadcast', 'echo behind-a-passphrase');

    const right = opensshClient(portOf(world), { user: world.id, extra: PASSWORD_ONLY });
    await right.waitForText('password:', 20_000);
    right.type(passphrase + '\r');
    await right.waitForText('behind-a-passphrase', 20_000);

    const wrong = opensshClient(portOf(world), { user: world.id, extra: PASSWORD_ONLY });
    await wrong.waitForText('password:', 20_000);
    wrong.type('not-the-passphrase\r');
    await wrong.waitForText('Permission denied', 20_000);
    assert.notEqual(await wrong.waitForExit(), 0);
    assert.doesNotMatch((await wrong.lines()).join('\n'), /behind-a-passphrase/);

    // Without any password (ssh with no way to log in): refused too, nothing shown.
    const none = await runClient([...opensshArgv(portOf(world), world.id, ['-o', 'IdentityFile=none', '-o', 'BatchMode=yes']), 'true']);
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /Permission denied \(password\)/);

    const text = await registryText(world);
    assert.ok(!text.includes(passphrase), 'the passphrase is not in the registry');
    const entry = parseRegistryEntry(text);
    assert.equal(entry?.access, 'password');

    // A regenerated passphrase reaches relays with the next heartbeat: the old one stops working.
    const renewed = regeneratePassphrase(join(world.sock.dir, 'state'));
    await waitFor('the registry to carry the new verifier', async () => (await registryText(world)) !== text, 30_000, 500);
    const old = opensshClient(portOf(world), { user: world.id, extra: PASSWORD_ONLY });
    await old.waitForText('password:', 20_000);
    old.type(passphrase + '\r');
    await old.waitForText('Permission denied', 20_000);
    const fresh = opensshClient(portOf(world), { user: world.id, extra: PASSWORD_ONLY });
    await fresh.waitForText('password:', 20_000);
    fresh.type(renewed + '\r');
    await fresh.waitForText('behind-a-passphrase', 20_000);
  } finally {
    await world.cleanup();
  }
});

test('--access keys through a relay: a listed key (ssh -i) watches, another key is refused with the embedded server\'s "Permission denied (publickey)"', async () => {
  const home = emptyHome();
  const allowed = generateEd25519KeyPair('erin@laptop');
  const other = generateEd25519KeyPair();
  const allowedFile = join(home.home, 'allowed_key');
  const otherFile = join(home.home, 'other_key');
  writeFileSync(allowedFile, allowed.private, { mode: 0o600 });
  writeFileSync(otherFile, other.private, { mode: 0o600 });
  const authorizedKeys = join(home.home, 'authorized_keys');
  writeFileSync(authorizedKeys, `# guests\n${allowed.public}\n`);
  const world = await relayWorld({ access: 'keys', authorizedKeysFile: authorizedKeys });
  try {
    await world.startRelay();
    await typeLine(world.sock.tmux, 'broadcast', 'echo behind-a-key');
    const ssh = opensshClient(portOf(world), { user: world.id, home: home.home, extra: ['-i', allowedFile, '-o', 'IdentitiesOnly=yes', '-o', 'PasswordAuthentication=no'] });
    await ssh.waitForText('behind-a-key', 20_000);

    const denied = await runClient([...opensshArgv(portOf(world), world.id, ['-i', otherFile, '-o', 'IdentitiesOnly=yes', '-o', 'PasswordAuthentication=no', '-o', 'BatchMode=yes']), 'true'], { env: { HOME: home.home } });
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /Permission denied \(publickey\)/, JSON.stringify(denied));
    const entry = parseRegistryEntry(await registryText(world));
    assert.equal(entry?.access, 'keys');
    assert.deepEqual(entry?.access === 'keys' ? entry.keys : [], [allowed.public.split(' ').slice(0, 2).join(' ')]);
  } finally {
    await world.cleanup();
    home.cleanup();
  }
});
