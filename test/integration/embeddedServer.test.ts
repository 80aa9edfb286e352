// The embedded SSH server on real parts: OpenSSH's ssh and ssh2 clients watch a real tmux
// broadcast through it, sizes stay their own, guest input never reaches the session, and every
// request beyond watching is refused.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before } from 'node:test';
import { readBroadcastStatus } from '../../src/host/statusReader';
import { listClients } from '../../src/tmux/clients';
import { boundedTest as test, EmbeddedFixture, opensshArgv, opensshClient, runClient, Ssh2Guest, startEmbedded } from '../helpers/embeddedFixture';
import { PtyClient } from '../helpers/ptyClient';
import { waitFor } from '../helpers/screen';
import { capturePane, typeLine, windowSize } from '../helpers/tmuxFixture';

// Each test is bounded in time: a hang is a failure, not a stuck suite.

let fx: EmbeddedFixture;
const clients: Array<PtyClient | Ssh2Guest> = [];
const settle = (ms = 400): Promise<void> => new Promise((r) => setTimeout(r, ms));

before(async () => {
  // Many guests from 127.0.0.1 here; the per-address bound has its own test.
  fx = await startEmbedded({ maxConnectionsPerAddress: 50 });
  await typeLine(fx.sock.tmux, 'broadcast', 'echo hello-from-host');
});

after(async () => {
  for (const c of clients) (c instanceof PtyClient ? c.kill() : c.end());
  await fx?.cleanup();
});

async function ssh2Guest(cols: number, rows: number, user = 'guest'): Promise<Ssh2Guest> {
  const g = new Ssh2Guest();
  clients.push(g);
  await g.connect(fx.port, { username: user });
  await g.shell(cols, rows);
  return g;
}

test('OpenSSH ssh and an ssh2 client both see the host screen; a second size changes neither the host window nor the first viewer', async () => {
  // The host's own client sizes the window, as in real use.
  const host = new PtyClient(fx.broadcast.hostAttachArgv, { cols: 120, rows: 34 });
  clients.push(host);
  // 120x34 minus the status line: the session is created at 120x34 too, so only the row count
  // shows that the host's client has attached and sized the window.
  await waitFor('the host client to size the window', async () => {
    const size = await windowSize(fx.sock.tmux, 'broadcast');
    return size.cols === 120 && size.rows === 33;
  });
  const hostWindow = await windowSize(fx.sock.tmux, 'broadcast');

  const first = opensshClient(fx.port, { user: 'alice', cols: 100, rows: 30 });
  clients.push(first);
  await first.waitForText('hello-from-host');

  const second = await ssh2Guest(60, 15, 'bob');
  await second.waitForText('hello-from-host');
  second.channel?.setWindow(20, 200, 0, 0);
  await waitFor('the server to see the new size', () => fx.server.guests().some((v) => v.user === 'bob' && v.cols === 200));

  await typeLine(fx.sock.tmux, 'broadcast', 'echo after-resize');
  await first.waitForText('after-resize');
  await second.waitForText('after-resize');
  assert.deepEqual(await windowSize(fx.sock.tmux, 'broadcast'), hostWindow);

  // Each guest is its own read-only tmux client at its own size.
  const guestsInTmux = (await listClients(fx.sock.tmux)).filter((c) => c.readOnly);
  assert.deepEqual(guestsInTmux.map((c) => `${c.cols}x${c.rows}`).sort(), ['100x30', '200x20']);
  const viewers = fx.server.guests();
  assert.deepEqual(viewers.map((v) => `${v.user} ${v.cols}x${v.rows}`).sort(), ['alice 100x30', 'bob 200x20']);

  // Another process sees the same table through the tmux marker.
  await waitFor('@viewers to list both', async () => (await readBroadcastStatus('embedded', fx.sock.socketPath)).viewers.length === 2);
  const status = await readBroadcastStatus('embedded', fx.sock.socketPath);
  assert.equal(status.listen, `127.0.0.1:${fx.port}`);
  assert.equal(status.watch, `ssh -p ${fx.port} guest@127.0.0.1`);
  assert.deepEqual(status.viewers.map((v) => v.user).sort(), ['alice', 'bob']);
  assert.ok(status.viewers.every((v) => !Number.isNaN(Date.parse(v.since))));
  host.kill();
});

test('typed keys, paste, mouse reports and C-b ) from guests change nothing in the host session', async () => {
  const ssh = opensshClient(fx.port, { cols: 80, rows: 24 });
  clients.push(ssh);
  await ssh.waitForText('hello-from-host');
  const g = await ssh2Guest(80, 24);
  await g.waitForText('hello-from-host');
  const before = await capturePane(fx.sock.tmux, 'broadcast');

  for (const send of [(d: string) => ssh.type(d), (d: string) => void g.channel?.write(d)]) {
    send('echo typed-by-guest\r');
    send('\x1b[200~echo pasted-by-guest\r\x1b[201~');
    send('\x1b[<0;5;5M\x1b[<0;5;5m'); // SGR mouse press + release
    send('\x1b[M #!'); // X10 mouse report
    send('\x02)'); // C-b ) : next session
    send('\x02('); // C-b ( : previous session
    send('\x02:kill-server\r'); // C-b : command prompt
    send('\x03\x04'); // Ctrl-C, Ctrl-D
  }
  await settle(600);
  assert.deepEqual(await capturePane(fx.sock.tmux, 'broadcast'), before);
  assert.deepEqual(await fx.sock.tmux.sessionNames(), ['broadcast']);
  // Nothing is left half-typed in the pane's input line either: the host's next line runs alone.
  await typeLine(fx.sock.tmux, 'broadcast', 'echo host-line-$((6*7))');
  await g.waitForText('host-line-42');
  const pane = (await capturePane(fx.sock.tmux, 'broadcast')).join('\n');
  assert.match(pane, /^host\$ echo host-line-\$\(\(6\*7\)\)$/m);
  assert.ok(!/typed-by-guest|pasted-by-guest/.test(pane), pane);
  // Both guests are still watching.
  assert.equal(ssh.exitCode, undefined);
  assert.equal(g.closed, false);
});

test('exec, sftp and remote forwarding from OpenSSH are refused', async () => {
  const noKeys = ['-o', 'IdentityFile=none'];
  const exec = await runClient([...opensshArgv(fx.port, 'guest', noKeys), 'touch', '/tmp/gb-should-not-exist']);
  assert.notEqual(exec.code, 0);
  assert.match(exec.stderr, /exec request failed/);

  const sftp = await runClient(['sftp', '-F', '/dev/null', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', ...noKeys, '-P', String(fx.port), 'guest@127.0.0.1'], { input: 'ls\n' });
  assert.notEqual(sftp.code, 0);
  assert.match(sftp.stderr, /subsystem request failed|Connection closed/);

  const forward = await runClient(opensshArgv(fx.port, 'guest', [...noKeys, '-N', '-o', 'ExitOnForwardFailure=yes', '-R', '0:127.0.0.1:9']));
  assert.notEqual(forward.code, 0);
  assert.match(forward.stderr, /remote port forwarding failed/);
});

test('ssh2: exec, subsystem, x11, agent, forwarding both ways, streamlocal, a second session and a shell without a pty are refused', async () => {
  const g = new Ssh2Guest();
  clients.push(g);
  await g.connect(fx.port);
  const fails = (what: string, run: (cb: (err: Error | null | undefined) => void) => void): Promise<void> =>
    new Promise<Error | null | undefined>((resolve) => run(resolve)).then((err) => assert.ok(err instanceof Error, `${what} should be refused`));

  await fails('exec', (cb) => g.client.exec('id', (err) => cb(err)));
  await fails('sftp', (cb) => g.client.sftp((err) => cb(err)));
  await fails('subsystem', (cb) => g.client.subsys('netconf', (err) => cb(err)));
  await fails('x11', (cb) => g.client.shell({ cols: 80, rows: 24 }, { x11: true }, (err) => cb(err)));
  await fails('shell without a pty', (cb) => g.client.shell(false, (err) => cb(err)));
  await fails('tcpip-forward', (cb) => g.client.forwardIn('127.0.0.1', 0, (err) => cb(err)));
  await fails('direct-tcpip', (cb) => g.client.forwardOut('127.0.0.1', 1, '127.0.0.1', fx.port, (err) => cb(err)));
  await fails('streamlocal-forward', (cb) => g.client.openssh_forwardInStreamLocal('/tmp/gb-fwd.sock', (err) => cb(err)));
  await fails('direct-streamlocal', (cb) => g.client.openssh_forwardOutStreamLocal(fx.sock.socketPath, (err) => cb(err)));
  assert.equal(g.closed, false, 'refusals do not end the connection');

  // Agent forwarding is asked for before the shell when the client is configured for it.
  const agent = new Ssh2Guest();
  clients.push(agent);
  await agent.connect(fx.port, { agent: '/nonexistent-agent.sock', agentForward: true });
  await fails('agent forwarding', (cb) => agent.client.shell({ cols: 80, rows: 24 }, (err) => cb(err)));
});

test('ssh2: a second session channel is refused; env and signal change nothing', async () => {
  // A size no other guest in this file uses: the server starts a tmux client for this guest
  // alone, so the environment read below is the one made for this guest's request.
  const own = { cols: 97, rows: 29 };
  const g = new Ssh2Guest();
  clients.push(g);
  await g.connect(fx.port);
  g.screen = undefined;
  const channel = await new Promise<import('ssh2').ClientChannel>((resolve, reject) =>
    g.client.shell({ term: 'xterm-256color', ...own }, { env: { GB_SECRET_ENV: 'from-guest' } }, (err, ch) => (err ? reject(err) : resolve(ch))),
  );
  channel.on('data', () => undefined);
  const second = await new Promise<Error | undefined>((resolve) => g.client.shell({ cols: 80, rows: 24 }, (err) => resolve(err)));
  assert.ok(second instanceof Error, 'a second session channel should be refused');

  // env: the guest's own tmux client did not get the variable.
  await waitFor('the guest to be a viewer at its own size', () => fx.server.guests().some((v) => v.cols === own.cols && v.rows === own.rows));
  const groups = fx.server.sizeGroups().filter((s) => s.cols === own.cols && s.rows === own.rows);
  assert.deepEqual(groups.map((s) => s.viewers), [1], 'a group of its own');
  // The tmux client the server started for this guest, once tmux lists it.
  await waitFor('the guest\'s own tmux client', async () => (await listClients(fx.sock.tmux)).some((c) => c.readOnly && c.pid === groups[0].pid && c.cols === own.cols));
  const environ = readFileSync(`/proc/${groups[0].pid}/environ`, 'utf8').split('\0');
  assert.ok(environ.some((e) => e.startsWith('TERM=')), 'the environment of the guest\'s client was read');
  assert.ok(!environ.some((e) => e.includes('GB_SECRET_ENV')), environ.join('\n'));

  // signal: the session's shell and the guest's own view both survive.
  const panePid = (await fx.sock.tmux.run(['display-message', '-p', '-t', 'broadcast', '#{pane_pid}'])).trim();
  channel.signal('KILL');
  channel.signal('INT');
  await settle();
  assert.equal((await fx.sock.tmux.run(['display-message', '-p', '-t', 'broadcast', '#{pane_pid}'])).trim(), panePid);
  assert.equal(g.closed, false);
});
