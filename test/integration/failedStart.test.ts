// A start that fails (the guest port is in use) takes back exactly what it made: its tmux server
// and the socket folders it created; a folder that was there before stays.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { join } from 'node:path';
import { after } from 'node:test';
import { Tmux } from '../../src/tmux/tmux';
import { boundedTest as test } from '../helpers/embeddedFixture';
import { CliProcess } from '../helpers/cliProcess';
import { tempSocket, TEST_SHELL } from '../helpers/tmuxFixture';

const sock = tempSocket('gb-failstart-');
const env = { XDG_CONFIG_HOME: join(sock.dir, 'config'), XDG_RUNTIME_DIR: sock.dir };
const busy: Server[] = [];
const procs: CliProcess[] = [];
after(async () => {
  for (const p of procs) p.kill();
  for (const server of busy) server.close();
  await new Tmux(join(sock.dir, 'adopted', 'guest')).killServer().catch(() => undefined);
  await sock.cleanup();
});

async function occupiedPort(): Promise<number> {
  const server = createServer();
  busy.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return address.port;
}

async function failingHost(socketPath: string, port: number): Promise<CliProcess> {
  const host = new CliProcess(['host', '--socket', socketPath, '--state-dir', join(sock.dir, 'state'), '--command', TEST_SHELL, '--tmux-config', '/dev/null', '--listen', `127.0.0.1:${port}`], env);
  assert.equal(await host.waitForExit(), 1, host.output);
  assert.match(host.stderr, new RegExp(`Port ${port} is already in use`));
  // Plain status looks at the default socket only: the hint says how to name another one.
  assert.match(host.stderr, /guest-broadcast status shows it, with --socket PATH when it runs on a socket other than the default; guest-broadcast stop ends it, with the same --socket/);
  assert.equal(await new Tmux(socketPath).serverPid(), undefined);
  return host;
}

test('a start failing on a port in use leaves no socket folder it made behind', async () => {
  const port = await occupiedPort();
  await failingHost(join(sock.dir, 'made', 'by', 'start', 'guest'), port);
  assert.equal(existsSync(join(sock.dir, 'made')), false, 'the socket folders the start made are left behind');
});

test('a start failing on a port in use leaves a socket folder that existed before, with its contents', async () => {
  const port = await occupiedPort();
  const dir = join(sock.dir, 'existing');
  mkdirSync(join(dir, 'other'), { recursive: true });
  await failingHost(join(dir, 'guest'), port);
  assert.deepEqual(readdirSync(dir), ['other']);
  // An empty folder that was there is not ours either.
  const empty = join(sock.dir, 'empty-before');
  mkdirSync(empty);
  await failingHost(join(empty, 'guest'), port);
  assert.ok(existsSync(empty));
});

test("adopting fails on a port in use: the host's tmux server, shell and folder stay, and the broadcast stays adoptable", async () => {
  const socketPath = join(sock.dir, 'adopted', 'guest');
  const first = new CliProcess(['host', '--socket', socketPath, '--state-dir', join(sock.dir, 'state'), '--command', TEST_SHELL, '--tmux-config', '/dev/null', '--listen', '127.0.0.1:0'], env);
  procs.push(first);
  await first.waitForOutput('Press Ctrl-C to stop the broadcast.');
  const tmux = new Tmux(socketPath);
  const tmuxPid = await tmux.serverPid();
  first.signal('SIGKILL');
  await first.waitForExit();

  const host = new CliProcess(['host', '--socket', socketPath, '--state-dir', join(sock.dir, 'state'), '--command', TEST_SHELL, '--tmux-config', '/dev/null', '--listen', `127.0.0.1:${await occupiedPort()}`], env);
  assert.equal(await host.waitForExit(), 1, host.output);
  assert.match(host.stderr, /is already in use/);
  assert.equal(await tmux.serverPid(), tmuxPid, "the failed adopter ended the host's tmux server");
  assert.ok(existsSync(socketPath));
  // It handed the broadcast on (a VS Code window that failed this way lives on).
  assert.equal(await tmux.userOption('server-pid'), undefined);
  await tmux.killServer();
});
