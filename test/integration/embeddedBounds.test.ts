// The embedded server's bounds, kick and stop, on real clients: whoever is beyond a bound is told
// why, and the host's broadcast carries on.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { KICKED_MESSAGE, ENDED_MESSAGE } from '../../src/host/broadcast';
import { loadOrCreatePassphrase } from '../../src/host/embedded/passphrase';
import { CLI_OPTION_NAMES } from '../../src/host/options/names';
import { listClients } from '../../src/tmux/clients';
import { EmbeddedFixture, opensshClient, Ssh2Guest, startEmbedded, boundedTest, useCleanups } from '../helpers/embeddedFixture';
import { PtyClient } from '../helpers/ptyClient';
import { waitFor } from '../helpers/screen';
import { typeLine } from '../helpers/tmuxFixture';

const test = boundedTest;

const { list: cleanups, track } = useCleanups();

async function fixture(options: Parameters<typeof startEmbedded>[0]): Promise<EmbeddedFixture> {
  const fx = await startEmbedded(options);
  cleanups.push(() => fx.cleanup());
  await typeLine(fx.sock.tmux, 'broadcast', 'echo bounded-screen');
  return fx;
}

async function viewer(port: number, shell = true): Promise<Ssh2Guest> {
  const g = track(new Ssh2Guest());
  await g.connect(port);
  if (shell) await g.shell(80, 24);
  return g;
}

async function refusal(port: number): Promise<string> {
  const g = track(new Ssh2Guest());
  await g.connect(port).then(
    () => assert.fail('should have been refused'),
    () => undefined,
  );
  return g.banner;
}

test('beyond the viewer bound (3 here) a guest is told why, OpenSSH and ssh2 alike; the others keep watching', async () => {
  const fx = await fixture({ maxViewers: 3, maxConnectionsPerAddress: 10 });
  const three = [await viewer(fx.port), await viewer(fx.port), await viewer(fx.port)];
  assert.match(await refusal(fx.port), /already has 3 viewers, its limit/);
  const ssh = track(opensshClient(fx.port, { logLevel: 'INFO' }));
  await ssh.waitForText('already has 3 viewers, its limit');
  assert.notEqual(await ssh.waitForExit(), 0);

  // The host and the three viewers are unaffected; when one leaves, a new guest gets in.
  await typeLine(fx.sock.tmux, 'broadcast', 'echo still-broadcasting');
  for (const g of three) await g.waitForText('still-broadcasting');
  three[0].end();
  await waitFor('the server to count the leave', () => fx.server.guests().length === 2);
  const late = await viewer(fx.port);
  await late.waitForText('still-broadcasting');
});

test('the default viewer bound: 100 guests watch, the 101st is refused with the reason', async () => {
  const fx = await fixture({ maxConnectionsPerAddress: 1000 });
  // Ten at a time: clients and server share this one process.
  const guests: Ssh2Guest[] = [];
  for (let batch = 0; batch < 10; batch++) guests.push(...(await Promise.all(Array.from({ length: 10 }, () => viewer(fx.port)))));
  await waitFor('100 viewers', () => fx.server.guests().length === 100);
  assert.match(await refusal(fx.port), /already has 100 viewers, its limit/);
  await typeLine(fx.sock.tmux, 'broadcast', 'echo hundred-$((50+50))');
  await guests[99].waitForText('hundred-100');
  // One size, one read-only tmux client for all hundred (fan-out).
  assert.equal((await listClients(fx.sock.tmux)).filter((c) => c.readOnly).length, 1);
  assert.deepEqual(fx.server.sizeGroups().map((g) => `${g.cols}x${g.rows}:${g.viewers}`), ['80x24:100']);
});

test('the 6th connection from one address is refused with the reason', async () => {
  const fx = await fixture({});
  for (let i = 0; i < 5; i++) await viewer(fx.port);
  assert.match(await refusal(fx.port), /too many connections from 127\.0\.0\.1 \(at most 5 at a time\)/);
  const ssh = track(opensshClient(fx.port, { logLevel: 'INFO' }));
  await ssh.waitForText('too many connections from 127.0.0.1');
});

test('a client that never finishes the handshake (or never asks for the view) is dropped; a watching one is not', async () => {
  // Long enough for a watching guest to get in on a loaded machine; nothing below waits for a time.
  const fx = await fixture({ loginTimeoutMs: 1500 });
  const silent = connect(fx.port, '127.0.0.1');
  const identOnly = connect(fx.port, '127.0.0.1', () => identOnly.write('SSH-2.0-Stalling\r\n'));
  cleanups.push(() => void silent.destroy(), () => void identOnly.destroy());
  // Read what the server sends (its version line, its key exchange) so its hang-up is seen.
  const closed = (s: typeof silent): Promise<void> => new Promise((resolve) => s.resume().once('close', () => resolve()));
  await Promise.all([closed(silent), closed(identOnly)]);
  // The watching guest connects first, so its handshake clock would run out first: once the idle
  // one (logged in, never asking for the view, so holding a viewer's place) is dropped, the
  // watching one has outlived its own timeout too, and must still be watching.
  const g = await viewer(fx.port);
  const idle = await viewer(fx.port, false);
  await waitFor('the idle guest to be dropped', () => idle.closed);
  await typeLine(fx.sock.tmux, 'broadcast', 'echo after-timeout');
  await g.waitForText('after-timeout');
  assert.equal(g.closed, false);
  assert.deepEqual(fx.server.guests().length, 1);
});

test('a guest still typing the passphrase when the login timeout runs out is told why by OpenSSH, not just "Connection closed"', async () => {
  const warnings: string[] = [];
  const fx = await fixture({ access: 'password', loginTimeoutMs: 1000, names: CLI_OPTION_NAMES, onWarning: (w) => warnings.push(w) });
  const passphrase = loadOrCreatePassphrase(fx.stateDir);
  const ssh = track(opensshClient(fx.port, { extra: ['-o', 'PubkeyAuthentication=no'] }));
  await waitFor('the password prompt', () => /password:/.test(ssh.output));
  // The host is told when the clock runs out; only then does the guest finish typing.
  await waitFor('the host to be told of the slow login', () => warnings.some((w) => /took longer than the login timeout \(1 s\)/.test(w)));
  ssh.type(`${passphrase}\r`);
  assert.notEqual(await ssh.waitForExit(), 0);
  assert.match(ssh.output, /Received disconnect from 127\.0\.0\.1 port \d+:11: Login took longer than 1 s, the broadcast's login timeout \(the host sets it with --login-timeout\)\. Connect again and log in sooner\./);
});

test('failed logins are bounded per connection (3 here): OpenSSH gets no 4th prompt', async () => {
  const fx = await fixture({ access: 'password', maxAuthAttempts: 3 });
  loadOrCreatePassphrase(fx.stateDir);
  const ssh = track(opensshClient(fx.port, { extra: ['-o', 'PubkeyAuthentication=no', '-o', 'NumberOfPasswordPrompts=6'] }));
  for (let i = 1; i <= 3; i++) {
    await waitFor(`password prompt ${i}`, () => (ssh.output.match(/password:/g) ?? []).length === i);
    ssh.type(`wrong-${i}\r`);
  }
  assert.notEqual(await ssh.waitForExit(), 0);
  assert.equal((ssh.output.match(/password:/g) ?? []).length, 3);
  // The broadcast is unaffected.
  const ok = track(new Ssh2Guest());
  await ok.connect(fx.port, { password: loadOrCreatePassphrase(fx.stateDir) });
});

test('kick ends one guest with the message; stop ends all with the message, once', async () => {
  const fx = await fixture({});
  const ssh = track(opensshClient(fx.port, { user: 'erin' }));
  await ssh.waitForText('bounded-screen');
  const g = await viewer(fx.port);
  await g.waitForText('bounded-screen');
  const stays = await viewer(fx.port);
  await waitFor('three viewers', () => fx.server.guests().length === 3);

  const erin = fx.server.guests().find((v) => v.user === 'erin');
  assert.ok(erin);
  assert.equal(await fx.broadcast.kick(erin.name), true);
  await ssh.waitForText(KICKED_MESSAGE);
  assert.equal(await ssh.waitForExit(), 0);
  const other = fx.server.guests().find((v) => v !== undefined && v.name !== erin.name);
  assert.ok(other);
  assert.equal(await fx.broadcast.kick('no-such-guest'), false);
  await waitFor('two viewers', () => fx.server.guests().length === 2);

  const guestName = fx.server.guests()[0].name;
  await fx.broadcast.kick(guestName);
  const kicked = [g, stays].find((x) => x.output.includes(KICKED_MESSAGE));
  assert.ok(kicked, 'one ssh2 guest got the kick message');
  await waitFor('the kicked ssh2 guest to be closed', () => kicked.closed);

  const last = kicked === g ? stays : g;
  const ssh2 = track(opensshClient(fx.port));
  await ssh2.waitForText('bounded-screen');
  await fx.broadcast.stop();
  await ssh2.waitForText(ENDED_MESSAGE);
  assert.equal(await ssh2.waitForExit(), 0);
  await waitFor('the ssh2 guest to be closed', () => last.closed);
  assert.equal(last.output.split(ENDED_MESSAGE).length - 1, 1, 'the message is shown once');
  assert.equal(ssh2.output.split(ENDED_MESSAGE).length - 1, 1, 'the message is shown once');
});

test('a guest that stops reading is dropped, not waited for: bounded buffering, the others unaffected, and it recovers', async () => {
  const fx = await fixture({});
  // A big, colourful host screen: every redraw for a guest is over a megabyte.
  let art = '';
  for (let y = 0; y < 95; y++) {
    for (let x = 0; x < 300; x++) art += `\x1b[38;5;${(x * 7 + y * 13) % 256}m\x1b[48;5;${(x * 3 + y * 11) % 256}m${String.fromCharCode(33 + ((x + y) % 90))}`;
    art += '\x1b[0m\n';
  }
  writeFileSync(join(fx.sock.dir, 'art'), art);
  const host = track(new PtyClient(fx.broadcast.hostAttachArgv, { cols: 300, rows: 100 }));
  await waitFor('the host client', async () => (await listClients(fx.sock.tmux)).some((c) => !c.readOnly));
  const slow = track(new Ssh2Guest());
  await slow.connect(fx.port);
  await slow.shell(300, 100);
  const slowName = (await waitFor('the slow viewer', () => fx.server.guests()[0])).name;
  // Same size as the slow one: the same group, the same tmux client.
  const other = track(new Ssh2Guest());
  await other.connect(fx.port);
  await other.shell(300, 100);
  await waitFor('two viewers', () => fx.server.guests().length === 2);

  // The slow guest stops reading; the host floods the screen with megabytes of redraws.
  slow.channel?.pause();
  const slowFlow = (): { drops: number; maxBuffered: number } | undefined => fx.server.flow().find((f) => f.name === slowName);
  // Each round waits for its own end on the reading guest's screen, so every round's output has
  // been fanned out (to the slow guest too) before the next: how fast the host draws cannot
  // make the loop end before the flood has happened.
  for (let i = 0; i < 20 && !slowFlow()?.drops; i++) {
    await typeLine(fx.sock.tmux, 'broadcast', `clear; cat ${join(fx.sock.dir, 'art')}; echo round-$((${i}+1000))`);
    await other.waitForText(`round-${i + 1000}`, 30_000);
  }
  const flow = slowFlow();
  assert.ok(flow && flow.drops > 0, `the slow guest was dropped: ${JSON.stringify(fx.server.flow())}`);
  // What waits for the slow guest stays near the mark (256 KB), not the megabytes of redraws.
  assert.ok(flow.maxBuffered < 1024 * 1024, `buffered ${flow.maxBuffered} bytes`);
  assert.equal(fx.server.sizeGroups().length, 1, 'one tmux client serves both');

  // The host and the other guest carry on; the slow one gets the current screen once it reads again.
  await typeLine(fx.sock.tmux, 'broadcast', 'clear; echo after-$((20+22))');
  await other.waitForText('after-42');
  slow.channel?.resume();
  await slow.waitForText('after-42', 30_000);
  await waitFor('the same screen on both', async () => JSON.stringify(await slow.lines()) === JSON.stringify(await other.lines()));
  host.kill();
});
