// The real CLI on both sides of a relay: `guest-broadcast relay` and `guest-broadcast host --relay`
// as child processes on a real nats-server, an OpenSSH guest through the relay, status --json's
// relay part, and the relay's Ctrl-C telling its guests.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RELAY_STOPPING_MESSAGE } from '../../src/relay/startRelay';
import { CliProcess, cliWorld } from '../helpers/cliProcess';
import { boundedTest, opensshClient } from '../helpers/embeddedFixture';
import { freePort } from '../helpers/freePort';
import { startNatsServer } from '../helpers/natsServer';
import { typeLine, TEST_SHELL } from '../helpers/tmuxFixture';

const world = cliWorld('gb-relaycli-');

boundedTest('relay and host --relay from the CLI: a guest watches through the relay; status --json says how; Ctrl-C on the relay tells its guests', async () => {
  const nats = await startNatsServer();
  const relayPort = await freePort();
  const webPort = await freePort();
  const relay = new CliProcess(['relay', '--nats', nats.url, '--listen', `127.0.0.1:${relayPort}`, '--web', `127.0.0.1:${webPort}`, '--host-key', join(world.sock.dir, 'relay-key'), '--name', 'cli-relay'], world.env);
  const host = new CliProcess(
    ['host', '--socket', world.sock.socketPath, '--listen', '127.0.0.1:0', '--state-dir', world.stateDir, '--command', TEST_SHELL, '--tmux-config', '/dev/null', '--relay', nats.url, '--relay-id', 'cli-test'],
    world.env,
  );
  world.cleanups.push(() => relay.kill(), () => host.kill());
  try {
    await relay.waitForOutput('Press Ctrl-C to stop the relay');
    assert.match(relay.stdout, new RegExp(`Guests watch with: +ssh -p ${relayPort} <broadcast-id>@127\\.0\\.0\\.1`));
    assert.match(relay.stdout, new RegExp(`Browser guests open: +http://127\\.0\\.0\\.1:${webPort}/w/<broadcast-id>/`));
    await host.waitForOutput('Press Ctrl-C to stop the broadcast.');
    assert.match(host.stdout, /Through a relay \(NATS nats:\/\/127\.0\.0\.1:\d+\): ssh -p PORT cli-test@RELAY/);
    assert.match(host.stdout, /Browser guests through a relay: +http\(s\):\/\/RELAY:PORT\/w\/cli-test\/ +\(a relay started with --web ADDR:PORT\)/);

    const guest = opensshClient(relayPort, { user: 'cli-test' });
    world.cleanups.push(() => guest.kill());
    await typeLine(world.sock.tmux, 'broadcast', 'echo through-the-cli-relay');
    await guest.waitForText('through-the-cli-relay', 20_000);

    // The relay announced itself: the watch line and the browser link name it (status --json, from another process).
    type RelayPart = { url: string; id: string; watch: string; web: string | null } | null;
    let relayPart = null as RelayPart;
    for (let i = 0; i < 40 && !relayPart?.watch.startsWith('ssh -p'); i++) {
      const status = await world.cli(['status', '--json', '--socket', world.sock.socketPath]);
      relayPart = (JSON.parse(status.stdout) as { relay: RelayPart }).relay;
      if (!relayPart?.watch.startsWith('ssh -p')) await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepEqual(relayPart, { url: nats.url, id: 'cli-test', watch: `ssh -p ${relayPort} cli-test@127.0.0.1`, web: `http://127.0.0.1:${webPort}/w/cli-test/` });

    relay.signal('SIGINT');
    // (80 columns wrap the message: its first words are enough.)
    await guest.waitForText(RELAY_STOPPING_MESSAGE.slice(0, 40), 15_000);
    assert.equal(await relay.waitForExit(), 0);
    assert.match(relay.stdout, /The relay has stopped; its guests were told\./);
    host.signal('SIGINT');
    assert.equal(await host.waitForExit(20_000), 0);
  } finally {
    relay.kill();
    host.kill();
    await nats.stop();
  }
}, { timeoutMs: 90_000 });
