// `guest-broadcast relay` refusing what a new user gets wrong, with the relay's own advice (not
// the host's): a port in use (--listen, --web), a bad --listen (the relay's port as the example).
import assert from 'node:assert/strict';
import { createServer, Server } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CliProcess, cliWorld } from '../helpers/cliProcess';
import { boundedTest } from '../helpers/embeddedFixture';
import { freePort } from '../helpers/freePort';
import { NatsServer, startNatsServer } from '../helpers/natsServer';

const world = cliWorld('gb-relayerr-');
/** A NATS URL nothing listens on: these relays stop before they would connect. */
const NO_NATS = 'nats://127.0.0.1:1';

async function busyPort(): Promise<number> {
  const busy: Server = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  world.cleanups.push(() => busy.close());
  return (busy.address() as { port: number }).port;
}

let nats: NatsServer;
before(async () => {
  nats = await startNatsServer();
});
after(() => nats.stop());

boundedTest('relay on a port in use (--listen, --web): a relay may listen there, choose another port; not the host\'s advice', async () => {
  const keyPath = join(world.sock.dir, 'busy-key');
  const port = await freePort();
  const relay = new CliProcess(['relay', '--nats', nats.url, '--listen', `127.0.0.1:${port}`, '--host-key', keyPath, '--name', 'first'], world.env);
  world.cleanups.push(() => relay.kill());
  try {
    await relay.waitForOutput('Press Ctrl-C to stop the relay');
    // A second relay on the same --listen: the port is taken (by the first relay).
    const again = await world.cli(['relay', '--nats', nats.url, '--listen', `127.0.0.1:${port}`, '--host-key', keyPath, '--name', 'second']);
    assert.equal(again.code, 1, again.stdout + again.stderr);
    assert.match(again.stderr, new RegExp(`Port ${port} is already in use on 127\\.0\\.0\\.1`));
    assert.match(again.stderr, /another relay already listens there/);
    assert.match(again.stderr, /choose another with --listen \(e\.g\. 127\.0\.0\.1:\d+\)/);
    assert.doesNotMatch(again.stderr, /guest broadcast|guest-broadcast status|guest-broadcast stop/);

    // --web on a port in use: the same advice, naming --web.
    const webPort = await busyPort();
    const web = await world.cli(['relay', '--nats', nats.url, '--listen', '127.0.0.1:0', '--web', `127.0.0.1:${webPort}`, '--host-key', keyPath, '--name', 'third']);
    assert.equal(web.code, 1, web.stdout + web.stderr);
    assert.match(web.stderr, new RegExp(`Port ${webPort} is already in use on 127\\.0\\.0\\.1`));
    assert.match(web.stderr, /another relay already listens there/);
    assert.match(web.stderr, /choose another with --web/);
    assert.doesNotMatch(web.stderr, /guest broadcast|guest-broadcast status|guest-broadcast stop/);

    relay.signal('SIGINT');
    assert.equal(await relay.waitForExit(), 0);
  } finally {
    relay.kill();
  }
}, { timeoutMs: 60_000 });

test('relay --listen that is no address gives the relay\'s port (2223) as the example', async () => {
  const r = await world.cli(['relay', '--nats', NO_NATS, '--listen', '127.0.0.1']);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /--listen "127\.0\.0\.1" is not a listen address \(no port\)\. Use HOST:PORT, e\.g\. 127\.0\.0\.1:2223 .*0\.0\.0\.0:2223/);
  assert.doesNotMatch(r.stderr, /2222/);
});

