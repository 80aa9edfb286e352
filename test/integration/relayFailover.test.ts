// #18's fault "A relay is killed: its guests reconnect to another relay and continue from a
// snapshot", with real processes only: nats-server (JetStream), `guest-broadcast host --relay`,
// two `guest-broadcast relay` processes sharing one --host-key file (as relays behind one name
// should), the project's watcher (`guest-broadcast watch ID@r1,r2` in a pty) and OpenSSH guests.
// A relay is SIGKILLed by its PID (nothing is said to its guests: their sockets just close), and
// later another is stopped with Ctrl-C (its guests are told), so both ways of losing a relay hand
// the watcher to the other relay of its list.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RELAY_STOPPING_MESSAGE } from '../../src/relay/startRelay';
import { CLI, CliProcess, cliWorld } from '../helpers/cliProcess';
import { boundedTest, opensshClient, runClient } from '../helpers/embeddedFixture';
import { freePort } from '../helpers/freePort';
import { startNatsServer } from '../helpers/natsServer';
import { PtyClient } from '../helpers/ptyClient';
import { waitFor } from '../helpers/screen';
import { capturePane, typeLine, TEST_SHELL } from '../helpers/tmuxFixture';

const world = cliWorld('gb-relayfail-');
const ID = 'failover-test';

function startRelayProcess(nats: string, port: number, name: string, keyFile = 'relays-key'): CliProcess {
  const relay = new CliProcess(['relay', '--nats', nats, '--listen', `127.0.0.1:${port}`, '--host-key', join(world.sock.dir, keyFile), '--name', name], world.env);
  world.cleanups.push(() => relay.kill());
  return relay;
}

/** The watcher's rows above tmux's status line equal the host's pane (80x24 watcher, 80x23 pane). */
async function showsPane(watcher: PtyClient, what: string): Promise<void> {
  let last = '';
  await waitFor(what, async () => {
    const pane = (await capturePane(world.sock.tmux, 'broadcast')).map((l) => l.trimEnd());
    const seen = (await watcher.lines()).slice(0, pane.length).map((l) => l.trimEnd());
    last = `${seen.join('\n')}\n----- vs capture-pane -----\n${pane.join('\n')}`;
    return JSON.stringify(seen) === JSON.stringify(pane);
  }, 20_000).catch((error: Error) => {
    throw new Error(`${error.message}\n${last}`);
  });
}

boundedTest('A relay is killed: its guests reconnect to another relay and continue from a snapshot', async () => {
  const nats = await startNatsServer();
  const [p1, p2] = [await freePort(), await freePort()];
  const host = new CliProcess(
    ['host', '--socket', world.sock.socketPath, '--listen', '127.0.0.1:0', '--state-dir', world.stateDir, '--command', TEST_SHELL, '--tmux-config', '/dev/null', '--relay', nats.url, '--relay-id', ID],
    world.env,
  );
  world.cleanups.push(() => host.kill());
  let relay1 = startRelayProcess(nats.url, p1, 'relay-1');
  const relay2 = startRelayProcess(nats.url, p2, 'relay-2');
  try {
    await relay1.waitForOutput('Press Ctrl-C to stop the relay');
    await relay2.waitForOutput('Press Ctrl-C to stop the relay');
    await host.waitForOutput('Press Ctrl-C to stop the broadcast.');
    await typeLine(world.sock.tmux, 'broadcast', 'echo before-the-kill');

    // The watcher trusts nothing yet: it asks once, for relay-1, as a person would be asked.
    const home = join(world.sock.dir, 'watcher-home');
    mkdirSync(home, { recursive: true });
    const knownHosts = join(home, 'known_hosts');
    writeFileSync(knownHosts, '');
    const watcher = new PtyClient(['node', CLI, 'watch', '--known-hosts', knownHosts, `${ID}@127.0.0.1:${p1},127.0.0.1:${p2}`], {
      cols: 80,
      rows: 24,
      env: { ...world.env, HOME: home, SSH_AUTH_SOCK: '' },
    });
    world.cleanups.push(() => watcher.kill());
    await watcher.waitForText('Trust this host and remember its key (yes/no)?', 20_000);
    assert.match(watcher.output, new RegExp(`authenticity of host 127\\.0\\.0\\.1:${p1} can't be established`));
    watcher.type('yes\r');
    await watcher.waitForText('before-the-kill', 20_000);

    // An OpenSSH guest of the same relay.
    const sshGuest = opensshClient(p1, { user: ID });
    world.cleanups.push(() => sshGuest.kill());
    await sshGuest.waitForText('before-the-kill', 20_000);

    // Killed: no goodbye, the relay's sockets just close.
    relay1.signal('SIGKILL');
    await relay1.waitForExit();
    assert.notEqual(await sshGuest.waitForExit(20_000), 0, 'the OpenSSH guest of the killed relay is disconnected');

    await typeLine(world.sock.tmux, 'broadcast', 'echo after-the-kill');
    await watcher.waitForText('after-the-kill', 30_000);
    await showsPane(watcher, "the watcher to show the host's pane through relay-2");
    assert.match(watcher.output, new RegExp(`Trying 127\\.0\\.0\\.1:${p2}…`));
    // relay-2 shares relay-1's host key: trusted without a second question.
    assert.equal(watcher.output.split('remember its key').length - 1, 1, 'asked to trust a key once');

    // The OpenSSH guest connects again, to the other relay: it starts from the current screen.
    const again = opensshClient(p2, { user: ID });
    world.cleanups.push(() => again.kill());
    await again.waitForText('after-the-kill', 20_000);
    await again.waitForText('before-the-kill', 20_000);

    // Round robin: relay-1 is back (same port, same key); relay-2 is stopped with Ctrl-C, which
    // tells its guests, and the watcher moves back to relay-1.
    relay1 = startRelayProcess(nats.url, p1, 'relay-1b');
    await relay1.waitForOutput('Press Ctrl-C to stop the relay');
    relay2.signal('SIGINT');
    assert.equal(await relay2.waitForExit(), 0);
    await waitFor('the watcher to be told the relay stops', () => watcher.output.includes(RELAY_STOPPING_MESSAGE.slice(0, 40)), 20_000);
    await typeLine(world.sock.tmux, 'broadcast', 'echo after-the-stop');
    await watcher.waitForText('after-the-stop', 30_000);
    await showsPane(watcher, "the watcher to show the host's pane through relay-1 again");
    assert.match(watcher.output, new RegExp(`Trying 127\\.0\\.0\\.1:${p1}…`));
    assert.equal(watcher.exitCode, undefined, 'the watcher still runs');

    host.signal('SIGINT');
    assert.equal(await watcher.waitForExit(20_000), 0);
    assert.equal(await host.waitForExit(20_000), 0);
  } finally {
    host.kill();
    relay1.kill();
    relay2.kill();
    await nats.stop();
  }
}, { timeoutMs: 150_000 });

boundedTest('a relay of the list with a host key of its own is asked about at the failover, and a yes continues the watch', async () => {
  const nats = await startNatsServer();
  const [p1, p2] = [await freePort(), await freePort()];
  const id = 'own-keys-test';
  const host = new CliProcess(
    ['host', '--socket', world.sock.socketPath, '--listen', '127.0.0.1:0', '--state-dir', world.stateDir, '--command', TEST_SHELL, '--tmux-config', '/dev/null', '--relay', nats.url, '--relay-id', id],
    world.env,
  );
  world.cleanups.push(() => host.kill());
  const relay1 = startRelayProcess(nats.url, p1, 'own-key-1', 'own-key-1');
  const relay2 = startRelayProcess(nats.url, p2, 'own-key-2', 'own-key-2');
  try {
    await relay1.waitForOutput('Press Ctrl-C to stop the relay');
    await relay2.waitForOutput('Press Ctrl-C to stop the relay');
    await host.waitForOutput('Press Ctrl-C to stop the broadcast.');
    await typeLine(world.sock.tmux, 'broadcast', 'echo own-keys-before');
    // A list whose first relay is down from the start: the next one is tried at once.
    const dead = await freePort();
    // (A trust store of its own: the watcher below must still be asked about relay-2.)
    const snap = await runClient(['node', CLI, 'watch', '--snapshot', '--accept-new', `${id}@127.0.0.1:${dead},127.0.0.1:${p2}`], {
      env: { ...world.env, XDG_CONFIG_HOME: join(world.sock.dir, 'snapshot-config') },
    });
    assert.equal(snap.code, 0, snap.stderr);
    assert.match(snap.stdout, /own-keys-before/);
    const home = join(world.sock.dir, 'watcher-home-2');
    mkdirSync(home, { recursive: true });
    const knownHosts = join(home, 'known_hosts');
    writeFileSync(knownHosts, '');
    const watcher = new PtyClient(['node', CLI, 'watch', '--known-hosts', knownHosts, `${id}@127.0.0.1:${p1},127.0.0.1:${p2}`], { cols: 80, rows: 24, env: { ...world.env, HOME: home, SSH_AUTH_SOCK: '' } });
    world.cleanups.push(() => watcher.kill());
    await watcher.waitForText('Trust this host and remember its key (yes/no)?', 20_000);
    watcher.type('yes\r');
    await watcher.waitForText('own-keys-before', 20_000);

    relay1.signal('SIGKILL');
    // relay-2's key is not relay-1's: nothing ties it to the relay already trusted, so it is asked about.
    await waitFor('the question about relay-2', () => new RegExp(`authenticity of host 127\\.0\\.0\\.1:${p2} can't be established`).test(watcher.output), 30_000);
    await waitFor('the prompt', () => watcher.output.split('remember its key').length - 1 === 2, 10_000);
    watcher.type('yes\r');
    await typeLine(world.sock.tmux, 'broadcast', 'echo own-keys-after');
    await watcher.waitForText('own-keys-after', 30_000);
    assert.equal(watcher.exitCode, undefined, 'the watcher still runs');
    host.signal('SIGINT');
    assert.equal(await watcher.waitForExit(20_000), 0);
    assert.equal(await host.waitForExit(20_000), 0);
  } finally {
    host.kill();
    relay1.kill();
    relay2.kill();
    await nats.stop();
  }
}, { timeoutMs: 120_000 });

boundedTest('watch: a bad list of relays is a usage error that shows how to write one', async () => {
  const empty = await world.cli(['watch', `${ID}@127.0.0.1:2223,,127.0.0.1:2224`]);
  assert.equal(empty.code, 2, empty.stderr);
  assert.match(empty.stderr, /watch's target: .*has an empty entry in its list of servers\. A list of servers to fail over to is written ID@relay1:2223,relay2:2223/);
  const spaced = await world.cli(['watch', `${ID}@127.0.0.1:2223,`, '127.0.0.1:2224']);
  assert.equal(spaced.code, 2, spaced.stderr);
  assert.match(spaced.stderr, /The list of relays is one argument, without spaces after the commas/);
  const badPort = await world.cli(['watch', `${ID}@127.0.0.1:2223,127.0.0.1:99999`]);
  assert.equal(badPort.code, 2, badPort.stderr);
  assert.match(badPort.stderr, /watch's target: The port 99999 is out of range/);
  // Every relay of the list unreachable from the start: one error that says what each one said.
  const [d1, d2] = [await freePort(), await freePort()];
  const none = await world.cli(['watch', '--snapshot', '--accept-new', `${ID}@127.0.0.1:${d1},127.0.0.1:${d2}`]);
  assert.equal(none.code, 1, none.stderr);
  assert.match(none.stderr, new RegExp(`nothing is listening on 127\\.0\\.0\\.1:${d1}.*; .*nothing is listening on 127\\.0\\.0\\.1:${d2}`));
  const twice = await world.cli(['watch', `${ID}@127.0.0.1:2223,127.0.0.1:2223`]);
  assert.equal(twice.code, 2, twice.stderr);
  assert.match(twice.stderr, /appears twice in the list/);
});
