// `guest-broadcast relay` refusing what a new user gets wrong, with the relay's own advice (not
// the host's): a port in use (--listen, --web), a bad --listen (the relay's port as the example),
// a --host-key that is no key (left as it was), a --host-key in a folder that does not exist (no
// folder and no key made), one this user may not read or make, and a first run that makes the
// key and says so.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, Server } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CLI, CliProcess, cliWorld } from '../helpers/cliProcess';
import { boundedTest, runClient } from '../helpers/embeddedFixture';
import { freePort } from '../helpers/freePort';
import { NatsServer, startNatsServer } from '../helpers/natsServer';

const world = cliWorld('gb-relayerr-');
/** A NATS URL nothing listens on: these relays stop before they would connect. */
const NO_NATS = 'nats://127.0.0.1:1';
/** `text` matched literally in a RegExp (temp paths hold dots). */
const re = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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

boundedTest('relay: a --host-key path that does not exist yet gets a new key, and the relay says so (with its fingerprint); the next run uses it', async () => {
  const keyPath = join(world.sock.dir, 'first-run', 'relay-key');
  mkdirSync(join(world.sock.dir, 'first-run'));
  const relay = new CliProcess(['relay', '--nats', nats.url, '--listen', '127.0.0.1:0', '--host-key', keyPath, '--name', 'first'], world.env);
  world.cleanups.push(() => relay.kill());
  try {
    await relay.waitForOutput('Press Ctrl-C to stop the relay');
    assert.match(relay.stdout, new RegExp(`New host key made: +${re(keyPath)}`));
    const fingerprint = /Host key fingerprint: +(SHA256:\S+)/.exec(relay.stdout)?.[1];
    assert.ok(fingerprint, relay.stdout);
    assert.equal(statSync(keyPath).mode & 0o777, 0o600);
    relay.signal('SIGINT');
    assert.equal(await relay.waitForExit(), 0);

    const again = new CliProcess(['relay', '--nats', nats.url, '--listen', '127.0.0.1:0', '--host-key', keyPath, '--name', 'again'], world.env);
    world.cleanups.push(() => again.kill());
    await again.waitForOutput('Press Ctrl-C to stop the relay');
    assert.doesNotMatch(again.stdout, /New host key made/, 'the key of the first run is used, not made again');
    assert.match(again.stdout, new RegExp(`Host key fingerprint: +${re(fingerprint)}`));
    again.signal('SIGINT');
    assert.equal(await again.waitForExit(), 0);
  } finally {
    relay.kill();
  }
}, { timeoutMs: 60_000 });

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

test('relay --host-key naming a file that is no key: says so, advises a key file or a new path, and leaves the file as it was', async () => {
  const notKey = join(world.sock.dir, 'hostname');
  writeFileSync(notKey, 'some-machine\n', { mode: 0o644 });
  const r = await world.cli(['relay', '--nats', NO_NATS, '--host-key', notKey]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`${re(notKey)} is not an SSH private key \\(.+\\)\\. Give the relay's key file \\(an OpenSSH private key\\) with --host-key, or a path that does not exist yet to make one\\.`));
  assert.doesNotMatch(r.stderr, /Move it away/);
  assert.equal(statSync(notKey).mode & 0o777, 0o644, 'a file that is no key keeps its mode');

  const folder = join(world.sock.dir, 'a-folder');
  mkdirSync(folder, { mode: 0o755 });
  const dir = await world.cli(['relay', '--nats', NO_NATS, '--host-key', folder]);
  assert.equal(dir.code, 1, dir.stdout + dir.stderr);
  assert.match(dir.stderr, /is not an SSH private key \(a folder\)/);
  assert.equal(statSync(folder).mode & 0o777, 0o755, 'a folder keeps its mode');

  const empty = await world.cli(['relay', '--nats', NO_NATS, '--host-key', '']);
  assert.equal(empty.code, 2, empty.stdout + empty.stderr);
  assert.match(empty.stderr, /--host-key "" names no file: give the relay's key file/);
});

test('relay --host-key in a folder that does not exist: an error naming the folder; nothing is made', async () => {
  const missing = join(world.sock.dir, 'no-such-dir', 'deeper');
  const keyPath = join(missing, 'key');
  const r = await world.cli(['relay', '--nats', NO_NATS, '--host-key', keyPath]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`The folder of --host-key, ${re(missing)}, does not exist; create it or fix the path\\.`));
  assert.equal(existsSync(join(world.sock.dir, 'no-such-dir')), false, 'no folder was made');
});

test('relay --host-key this user may not read or make: says which, not a temp file\'s EACCES', { skip: process.getuid?.() === 0 ? false : 'needs root, to run the relay as nobody' }, async () => {
  // A folder of its own that nobody may enter (world.sock.dir is the owner's only), with a locked folder in it.
  const dir = mkdtempSync(join(tmpdir(), 'gb-relayerr-nobody-'));
  world.cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  const locked = join(dir, 'locked');
  mkdirSync(locked, { mode: 0o755 });
  const asNobody = (keyPath: string): ReturnType<typeof runClient> =>
    runClient(['runuser', '-u', 'nobody', '--', process.execPath, CLI, 'relay', '--nats', NO_NATS, '--host-key', keyPath], { env: { XDG_CONFIG_HOME: join(dir, 'config') } });

  const make = await asNobody(join(locked, 'key'));
  assert.equal(make.code, 1, make.stdout + make.stderr);
  assert.match(make.stderr, new RegExp(`Not allowed to make ${re(join(locked, 'key'))} \\(--host-key\\): this user may not write in ${re(locked)}\\. Run as a user who may, or give a path in a folder this user may write\\.`));
  assert.deepEqual(readdirSync(locked), [], 'nothing was made');

  const rootsKey = join(locked, 'roots-key');
  writeFileSync(rootsKey, 'not for nobody\n', { mode: 0o600 });
  const read = await asNobody(rootsKey);
  assert.equal(read.code, 1, read.stdout + read.stderr);
  assert.match(read.stderr, new RegExp(`Not allowed to read ${re(rootsKey)} \\(--host-key\\): run as a user who may read it\\.`));

  // A folder on the way this user may not enter: said so, not a raw EACCES from stat.
  const closed = join(dir, 'closed');
  mkdirSync(join(closed, 'inner'), { recursive: true, mode: 0o700 });
  chmodSync(closed, 0o700);
  const behind = await asNobody(join(closed, 'inner', 'key'));
  assert.equal(behind.code, 1, behind.stdout + behind.stderr);
  assert.match(behind.stderr, new RegExp(`Not allowed to look at ${re(join(closed, 'inner'))}: this user may not enter a folder on its way\\. Run as a user who may, or give a path this user can reach\\.`));
  assert.doesNotMatch(behind.stderr, /EACCES/);
});
