// The guest's side inside a real VS Code: Watch opens one viewer tab per destination, reveals it
// when asked again, and closing the tab ends it; saved hosts land in the setting. Self-contained
// (vscode, node and mocha only). The panel's page itself is tested in Chromium (test/webview).
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Connection, Server as SshServer } from 'ssh2';
import * as vscode from 'vscode';
import { freePort } from '../../helpers/freePort';
import { generateEd25519KeyPair } from '../../../src/host/embedded/ed25519';
import { viewerTabs } from './viewerPages';

const EXTENSION_ID = 'guest-broadcast.guest-broadcast';

/** A loopback port that nothing listens on (it was free a moment ago): Watch keeps reconnecting. */
const closedPort = freePort;

/** A loopback TCP server that never answers: it records the viewer's connections. */
async function silentServer(): Promise<{ server: Server; port: number; sockets: Socket[]; open: Set<Socket> }> {
  const sockets: Socket[] = [];
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.push(socket);
    open.add(socket);
    socket.on('error', () => undefined);
    socket.resume(); // read (and drop) what the viewer sends, so its FIN or RST is noticed
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, sockets, open };
}

/**
 * A tiny SSH server standing in for a broadcast host: any user, no password, one pty+shell that
 * prints a line. It counts sessions and what the viewer wrote on its channel (nothing, we expect).
 */
async function fakeBroadcastHost(): Promise<{ port: number; publicKey: string; sessions: () => number; ended: () => number; received: () => string; roundTrip: () => Promise<void>; stop: () => void }> {
  const key = generateEd25519KeyPair();
  const connected = new Set<Connection>();
  let sessions = 0;
  let ended = 0;
  let received = '';
  const server = new SshServer({ hostKeys: [key.private] }, (client) => {
    client.on('authentication', (ctx) => ctx.accept());
    client.on('ready', () => connected.add(client));
    client.on('error', () => undefined);
    client.on('close', () => (ended++, connected.delete(client)));
    client.on('session', (accept) => {
      const session = accept();
      session.on('pty', (ok) => ok?.());
      session.on('window-change', (ok) => ok?.());
      session.on('shell', (ok) => {
        const channel = ok();
        sessions++;
        channel.on('data', (data: Buffer) => (received += data.toString('utf8')));
        // Terminal queries (DA, DSR): a viewer that answered them would write to its channel.
        channel.write('hello from the fake broadcast host\x1b[c\x1b[6n\r\n');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    publicKey: key.public.split(/\s+/).slice(0, 2).join(' '),
    sessions: () => sessions,
    ended: () => ended,
    received: () => received,
    // A key re-exchange with each viewer, awaited: the viewer's half travels behind every byte it
    // wrote before, so after it `received` holds them all (the canary after a "sent nothing" check).
    roundTrip: async () => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.all([...connected].map((c) => new Promise<void>((resolve, reject) => c.rekey((error?: Error) => (error ? reject(error) : resolve()))))),
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the viewer did not finish a key re-exchange within 10 s')), 10_000))),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    stop: () => server.close(),
  };
}

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('viewer panels and saved hosts', () => {
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  after(async () => {
    await vscode.window.tabGroups.close(viewerTabs());
    await vscode.workspace.getConfiguration('guestBroadcast').update('hosts', undefined, vscode.ConfigurationTarget.Global);
  });

  it('contributes the viewer commands under "Guest Broadcast"', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of ['guestBroadcast.watch', 'guestBroadcast.hosts.add', 'guestBroadcast.hosts.edit', 'guestBroadcast.hosts.remove',
      'guestBroadcast.hosts.watch', 'guestBroadcast.hosts.stopWatching', 'guestBroadcast.hosts.refresh', 'guestBroadcast.hosts.openSshConfig']) {
      assert.ok(registered.has(id), `${id} is not registered`);
    }
  });

  it('Watch opens "Watching user@host" once per destination, and one connection for it', async () => {
    const silent = await silentServer();
    const [a, b] = [silent.port, await closedPort()];
    await vscode.commands.executeCommand('guestBroadcast.watch', `127.0.0.1:${a}`);
    const first = await until('the first viewer tab', () => viewerTabs().find((t) => t.label === `Watching guest@127.0.0.1:${a}`));
    await until('the viewer to connect', () => silent.sockets.length > 0);
    // The same destination spelled differently reveals the open tab instead of a second one.
    await vscode.commands.executeCommand('guestBroadcast.watch', `guest@127.0.0.1:${a}`);
    await vscode.commands.executeCommand('guestBroadcast.watch', `ssh://guest@127.0.0.1:${a}`);
    await vscode.commands.executeCommand('guestBroadcast.watch', `127.0.0.1:${b}`);
    await until('the second viewer tab', () => viewerTabs().find((t) => t.label === `Watching guest@127.0.0.1:${b}`));
    assert.deepEqual(viewerTabs().map((t) => t.label).sort(), [`Watching guest@127.0.0.1:${a}`, `Watching guest@127.0.0.1:${b}`].sort());
    await vscode.window.tabGroups.close(first);
    await until('the first tab to close', () => (viewerTabs().some((t) => t.label === first.label) ? undefined : true));
    assert.equal(viewerTabs().length, 1);
    assert.equal(silent.sockets.length, 1, 'one connection for one destination');
    // The server never sent its SSH banner: closing the tab must still drop the connection at once.
    await until('the closed tab\'s connection to drop', () => (silent.open.size === 0 ? true : undefined), 5000);
    for (const socket of silent.sockets) socket.destroy();
    silent.server.close();
  });

  // Trusting the fake host's key means writing ~/.ssh/known_hosts: only where HOME is a throwaway
  // folder (the harness gives code-server one under the temp folder), never a developer's own.
  const homeIsThrowaway = homedir().startsWith(tmpdir());
  it('a live viewer never writes to its channel, and closing its tab ends the SSH connection', async function () {
    if (!homeIsThrowaway) this.skip();
    const host = await fakeBroadcastHost();
    try {
      mkdirSync(join(homedir(), '.ssh'), { recursive: true, mode: 0o700 });
      appendFileSync(join(homedir(), '.ssh', 'known_hosts'), `[127.0.0.1]:${host.port} ${host.publicKey}\n`);
      await vscode.commands.executeCommand('guestBroadcast.watch', `watcher@127.0.0.1:${host.port}`);
      const tab = await until('the viewer tab', () => viewerTabs().find((t) => t.label === `Watching watcher@127.0.0.1:${host.port}`));
      await until('the viewer to open a shell', () => host.sessions() === 1, 15_000);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(host.received(), '', 'the viewer wrote to its channel');
      await host.roundTrip();
      assert.equal(host.received(), '', 'the viewer wrote to its channel (it arrived after the wait)');
      await vscode.window.tabGroups.close(tab);
      await until('the SSH connection to end', () => host.ended() === 1);
    } finally {
      host.stop();
    }
  });

  it('a malformed target opens nothing', async () => {
    const before = viewerTabs().length;
    await vscode.commands.executeCommand('guestBroadcast.watch', 'guest@host with spaces');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(viewerTabs().length, before);
  });

  it('Add host saves to guestBroadcast.hosts, once per target', async () => {
    const config = () => vscode.workspace.getConfiguration('guestBroadcast');
    await config().update('hosts', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('guestBroadcast.hosts.add', 'guest@demo.invalid:2222');
    assert.deepEqual(config().get('hosts'), [{ target: 'guest@demo.invalid:2222' }]);
    await vscode.commands.executeCommand('guestBroadcast.hosts.add', 'guest@demo.invalid:2222');
    assert.deepEqual(config().get('hosts'), [{ target: 'guest@demo.invalid:2222' }], 'a second entry for the same target');
  });
});
