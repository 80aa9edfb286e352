// The viewer (src/watcher) against the original recipe on real parts: OpenSSH sshd on a loopback
// port, the `guest` account made by the project's setup script with its forced
// `tmux attach -r`, and a real broadcast. What the viewer receives is rendered in
// @xterm/headless and compared with what the host sees.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Broadcast } from '../../src/host/broadcast';
import { listClients } from '../../src/tmux/clients';
import { openWatchSession } from '../../src/watcher';
import { HostKeyInfo, WatchOptions, WatchSession, WatchState, WatchTarget } from '../../src/watcher/types';
import { isRoot, PtyClient } from '../helpers/ptyClient';
import { Screen, waitFor } from '../helpers/screen';
import { RunningSshd, startSshd } from '../helpers/sshd';
import { TcpRelay } from '../helpers/tcpRelay';
import { startFakeSshHost } from '../helpers/fakeSshHost';
import { capturePane, tempSocket, TEST_SHELL, typeLine, windowSize } from '../helpers/tmuxFixture';
import { SystemSshRoute } from '../../src/host/routes/systemSshRoute';

const skip = isRoot ? false : 'needs root';
const SESSION = 'broadcast';
const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const sock = tempSocket('gb-viewer-');
const home = mkdtempSync(join(tmpdir(), 'gb-viewer-home-'));
let sshd: RunningSshd;
let broadcast: Broadcast;
let hostClient: PtyClient;
const sessions: WatchSession[] = [];
const ptys: PtyClient[] = [];
let counter = 0;

function startBroadcast(): Promise<Broadcast> {
  return Broadcast.start({ routes: [new SystemSshRoute({ guestUser: 'guest' })], socketPath: sock.socketPath, sessionName: SESSION, command: TEST_SHELL, configFile: '/dev/null', pollIntervalMs: 200 });
}

/** The host's own read-write client at 80x24, so the window has the host's size. */
function attachHost(): PtyClient {
  const client = new PtyClient(broadcast.hostAttachArgv, { cols: 80, rows: 24 });
  ptys.push(client);
  return client;
}

function target(port = sshd.port): WatchTarget {
  return { label: `guest@127.0.0.1:${port}`, host: '127.0.0.1', port, user: 'guest', identityFiles: [] };
}

/** A fresh, empty trust setup: its own known_hosts file and store. */
function freshTrust(): { knownHosts: string; store: string } {
  const dir = mkdtempSync(join(home, 'trust-'));
  return { knownHosts: join(dir, 'known_hosts'), store: join(dir, 'store', 'known_hosts') };
}

interface Watcher {
  session: WatchSession;
  screen: Screen;
  states: WatchState[];
  asked: HostKeyInfo[];
  secretsAsked: string[];
  waitForState(kind: WatchState['kind'], timeoutMs?: number): Promise<WatchState>;
  waitForText(text: string, timeoutMs?: number): Promise<void>;
}

function watch(options: { port?: number; trust: { knownHosts: string; store: string }; trustNew?: boolean; cols?: number; rows?: number; extra?: Partial<WatchOptions>; user?: string }): Watcher {
  const cols = options.cols ?? 80;
  const rows = options.rows ?? 24;
  const screen = new Screen(cols, rows);
  const states: WatchState[] = [];
  const asked: HostKeyInfo[] = [];
  const secretsAsked: string[] = [];
  const session = openWatchSession(
    { ...target(options.port), user: options.user ?? 'guest' },
    {
      confirmNewHostKey: async (info) => (asked.push(info), options.trustNew ?? true),
      askSecret: async (prompt) => (secretsAsked.push(prompt), 'not-the-password'),
    },
    {
      cols,
      rows,
      knownHostsFiles: [options.trust.knownHosts],
      hostKeyStorePath: options.trust.store,
      home,
      agentSocket: null,
      reconnect: { initialMs: 200, maxMs: 1000, stableMs: 60_000 },
      ...options.extra,
    },
  );
  sessions.push(session);
  session.onOutput((data) => screen.feed(data));
  session.onState((s) => states.push(s));
  const lines = (): Promise<string> => screen.settledText();
  return {
    session,
    screen,
    states,
    asked,
    secretsAsked,
    waitForState: (kind, timeoutMs = 10_000) =>
      waitFor(`state "${kind}" (states so far: ${JSON.stringify(states)})`, () => states.slice().reverse().find((s) => s.kind === kind), timeoutMs).then((s) => s!),
    waitForText: (text, timeoutMs = 10_000) =>
      waitFor(`"${text}" on the viewer's screen`, async () => (await lines()).includes(text), timeoutMs).then(() => undefined, async (e: Error) => {
        throw new Error(`${e.message}\nstates: ${JSON.stringify(states)}\nScreen was:\n${await lines()}`);
      }),
  };
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', [CLI, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, SSH_AUTH_SOCK: '', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** A key that is not the host's, written as a known_hosts line for the test sshd. */
function wrongKnownHostsLine(port: number): { line: string; fingerprint: string } {
  const dir = mkdtempSync(join(home, 'wrong-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', join(dir, 'k')]);
  const pub = readFileSync(join(dir, 'k.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'k.pub')], { encoding: 'utf8' }).split(/\s+/)[1];
  return { line: `[127.0.0.1]:${port} ${pub}\n`, fingerprint };
}

before(async () => {
  if (!isRoot) return;
  chmodSync(sock.dir, 0o711); // the guest must traverse the temp folder to reach the socket
  sshd = await startSshd({ guestUser: 'guest', socketPath: sock.socketPath, sessionName: SESSION });
  broadcast = await startBroadcast();
  hostClient = attachHost();
  await typeLine(sock.tmux, SESSION, 'echo hello-from-host');
  await hostClient.waitForText('hello-from-host');
});

after(async () => {
  for (const s of sessions) s.close();
  for (const p of ptys) p.kill();
  await broadcast?.stop().catch(() => undefined);
  await sshd?.stop();
  await sock.cleanup();
  rmSync(home, { recursive: true, force: true });
});

test('connects with no password, asks about the unknown host key once, and shows the host screen', { skip }, async () => {
  const trust = freshTrust();
  const viewer = watch({ trust });
  await viewer.waitForState('live');
  assert.deepEqual(viewer.asked, [{ host: '127.0.0.1', port: sshd.port, keyType: 'ssh-ed25519', fingerprint: sshd.hostKeyFingerprint }]);
  assert.deepEqual(viewer.secretsAsked, [], 'no password was asked for');
  await viewer.waitForText('hello-from-host');

  // The viewer renders what the host sees: every pane line, the same as the host's own client.
  const pane = await capturePane(sock.tmux, SESSION);
  await waitFor('the viewer to match the host pane', async () => {
    const mine = viewer.screen.lines();
    return pane.every((line, i) => (mine[i] ?? '').trimEnd() === line.trimEnd());
  }).catch(() => assert.deepEqual(viewer.screen.lines().slice(0, pane.length).map((l) => l.trimEnd()), pane.map((l) => l.trimEnd())));
  assert.deepEqual(viewer.screen.lines().slice(0, 23), (await hostClient.lines()).slice(0, 23), 'same rows as the host client (above the status line)');

  // Host output after connecting arrives.
  await typeLine(sock.tmux, SESSION, 'echo after-connect-1');
  await viewer.waitForText('after-connect-1');

  // The key was remembered in the viewer's own store, not in known_hosts.
  assert.match(readFileSync(trust.store, 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshd.port} ${sshd.hostPublicKey.replace(/[+/]/g, '\\$&')}\\n$`));
  assert.equal(existsSync(trust.knownHosts), false);

  // A second watch with the same store connects silently.
  const again = watch({ trust });
  await again.waitForState('live');
  await again.waitForText('after-connect-1');
  assert.deepEqual(again.asked, []);
  viewer.session.close();
  again.session.close();
});

test('a guest-side resize reaches tmux but does not resize the host window', { skip }, async () => {
  const viewer = watch({ trust: freshTrust() });
  await viewer.waitForState('live');
  await viewer.waitForText('hello-from-host');
  // The host's 80x24 client: an 80x23 window above tmux's status line.
  const hostWindow = await windowSize(sock.tmux, SESSION);
  assert.deepEqual(hostWindow, { cols: 80, rows: 23 });
  viewer.screen.resize(50, 15);
  viewer.session.resize(50, 15);
  await waitFor('tmux to see the guest client at 50x15', async () => (await listClients(sock.tmux)).some((c) => c.readOnly && c.cols === 50 && c.rows === 15));
  await typeLine(sock.tmux, SESSION, 'echo after-resize');
  await viewer.waitForText('after-resize');
  assert.deepEqual(await windowSize(sock.tmux, SESSION), hostWindow, 'the host window kept its size');
  assert.deepEqual(viewer.screen.lines().length, 15);
  viewer.session.close();
});

test('system mode tells a watcher the host\'s window size over its host-size channel, and its resizes', { skip }, async () => {
  const viewer = watch({ trust: freshTrust(), cols: 50, rows: 15 });
  const sizes: string[] = [];
  viewer.session.onHostSize?.((size) => sizes.push(size ? `${size.cols}x${size.rows}` : 'unknown'));
  await viewer.waitForState('live');
  // The host's read-write client is 80x24 (see attachHost); the watcher's own size does not matter.
  await waitFor('the host size from the forced command', () => sizes.includes('80x24'), 15_000).catch((e: Error) => {
    throw new Error(`${e.message}; told: ${JSON.stringify(sizes)}`);
  });
  hostClient.resize(100, 30);
  await waitFor('the host\'s new size', () => sizes.includes('100x30'), 15_000).catch((e: Error) => {
    throw new Error(`${e.message}; told: ${JSON.stringify(sizes)}`);
  });
  hostClient.resize(80, 24);
  viewer.session.close();
});

test('host keys: known through a hashed known_hosts entry is silent; a changed key is refused with both fingerprints', { skip }, async () => {
  const known = freshTrust();
  writeFileSync(known.knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
  execFileSync('ssh-keygen', ['-q', '-H', '-f', known.knownHosts], { stdio: 'ignore' });
  assert.ok(readFileSync(known.knownHosts, 'utf8').startsWith('|1|'));
  const silent = watch({ trust: known });
  await silent.waitForState('live');
  await silent.waitForText('hello-from-host');
  assert.deepEqual(silent.asked, []);
  assert.equal(existsSync(known.store), false, 'nothing new to remember');
  silent.session.close();

  const changed = freshTrust();
  const wrong = wrongKnownHostsLine(sshd.port);
  writeFileSync(changed.knownHosts, wrong.line);
  const refused = watch({ trust: changed });
  const state = await refused.waitForState('error');
  assert.ok(state.kind === 'error');
  assert.match(state.message, /CHANGED/);
  assert.ok(state.message.includes(wrong.fingerprint), state.message);
  assert.ok(state.message.includes(sshd.hostKeyFingerprint), state.message);
  assert.deepEqual(refused.asked, [], 'a changed key is never offered for trust');
  assert.equal(refused.screen.text().trim(), '', 'nothing from the host was shown');
  assert.ok(!refused.states.some((s) => s.kind === 'live' || s.kind === 'reconnecting'), JSON.stringify(refused.states));

  const declined = watch({ trust: freshTrust(), trustNew: false });
  const no = await declined.waitForState('error');
  assert.ok(no.kind === 'error' && no.message.includes('not trusted') && no.message.includes(sshd.hostKeyFingerprint));
});

test('a failed login names the methods the server offers', { skip }, async () => {
  const viewer = watch({ trust: freshTrust(), user: 'gb-no-such-user' });
  const state = await viewer.waitForState('error', 20_000);
  assert.ok(state.kind === 'error');
  assert.match(state.message, /Could not log in to .* as "gb-no-such-user"\. The server offers: [a-z-, ]*password/);
  assert.match(state.message, /Tried: none, empty password, a password/);
  assert.equal(viewer.secretsAsked.length, 1, 'asked for a password once, only after the empty ones failed');
});

test('reconnect: the viewer recovers by itself when the connection is lost and comes back', { skip }, async () => {
  const relay = new TcpRelay(sshd.port);
  await relay.start();
  try {
    const viewer = watch({ port: relay.port, trust: freshTrust() });
    await viewer.waitForState('live');
    await viewer.waitForText('hello-from-host');
    await relay.cut();
    const lost = await viewer.waitForState('reconnecting');
    assert.ok(lost.kind === 'reconnecting' && lost.inSeconds >= 1, JSON.stringify(lost));
    // Down for a while: attempts fail (connection refused) and keep backing off.
    await waitFor('two failed attempts', () => viewer.states.filter((s) => s.kind === 'reconnecting' && /nothing is listening|cannot reach|refused/i.test(s.reason)).length >= 1, 10_000);
    const livesBefore = viewer.states.filter((s) => s.kind === 'live').length;
    await relay.resume();
    await waitFor('the viewer to be live again', () => viewer.states.filter((s) => s.kind === 'live').length > livesBefore, 15_000);
    await typeLine(sock.tmux, SESSION, 'echo after-network-came-back');
    await viewer.waitForText('after-network-came-back');
    assert.ok(!viewer.states.some((s) => s.kind === 'ended' || s.kind === 'error'), JSON.stringify(viewer.states));
    viewer.session.close();
  } finally {
    await relay.cut();
  }
});

test('reconnect: the broadcast dying and restarting brings the viewer back; a clean stop shows "ended"', { skip }, async () => {
  const viewer = watch({ trust: freshTrust() });
  await viewer.waitForState('live');
  await viewer.waitForText('hello-from-host');

  // The tmux server dies without the clean stop: that is a lost connection, not an end.
  hostClient.kill();
  await sock.tmux.killServer();
  const lost = await viewer.waitForState('reconnecting');
  assert.ok(lost.kind === 'reconnecting');
  // While nothing is broadcast the forced command says so and exits 1: still reconnecting.
  await waitFor('an attempt that found no broadcast', () => viewer.states.some((s) => s.kind === 'reconnecting' && /nothing is being broadcast|no server|exit status 1/i.test(s.reason)), 10_000);
  assert.ok(!viewer.states.some((s) => s.kind === 'ended'), JSON.stringify(viewer.states));

  broadcast = await startBroadcast();
  hostClient = attachHost();
  await typeLine(sock.tmux, SESSION, `echo back-again-${++counter}`);
  await viewer.waitForText(`back-again-${counter}`, 15_000);
  assert.equal(viewer.states[viewer.states.length - 1].kind, 'live');

  // The host stops the broadcast cleanly: the viewer shows the farewell and "ended", and stays ended.
  await broadcast.stop();
  await viewer.waitForState('ended');
  await viewer.waitForText('the broadcast has ended');
  const count = viewer.states.length;
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(viewer.states.length, count, `no reconnect after a clean end: ${JSON.stringify(viewer.states.slice(count - 1))}`);

  // Bring the broadcast back for the CLI tests.
  broadcast = await startBroadcast();
  hostClient = attachHost();
  await typeLine(sock.tmux, SESSION, 'echo hello-from-host');
  await hostClient.waitForText('hello-from-host');
});

test('CLI: watch --snapshot prints what a guest sees; unknown keys need --accept-new; a changed key fails', { skip }, async () => {
  assert.ok(existsSync(CLI), `${CLI} is missing: run node esbuild.mjs first`);
  const config = mkdtempSync(join(home, 'xdg-'));
  const env = { HOME: home, XDG_CONFIG_HOME: config };
  const emptyKnown = join(config, 'empty_known_hosts');
  const spec = `guest@127.0.0.1:${sshd.port}`;

  const refused = await cli(['watch', '--snapshot', '--known-hosts', emptyKnown, spec], env);
  assert.equal(refused.code, 1, refused.stderr);
  assert.ok(refused.stderr.includes(sshd.hostKeyFingerprint) && refused.stderr.includes('--accept-new'), refused.stderr);
  assert.equal(refused.stdout, '');

  const r = await cli(['watch', '--snapshot', '--cols', '80', '--rows', '24', '--timeout', '15', '--accept-new', '--known-hosts', emptyKnown, spec], env);
  assert.equal(r.code, 0, r.stderr);
  const pane = await capturePane(sock.tmux, SESSION);
  const printed = r.stdout.replace(/\n$/, '').split('\n');
  assert.ok(printed.some((l) => l.includes('hello-from-host')), r.stdout);
  assert.deepEqual(printed.slice(0, pane.length).map((l) => l.trimEnd()), pane.map((l) => l.trimEnd()));
  assert.ok(existsSync(join(config, 'guest-broadcast', 'known_hosts')), 'the accepted key was remembered');

  // Remembered: no --accept-new needed any more.
  const again = await cli(['watch', '--snapshot', '--known-hosts', emptyKnown, spec], env);
  assert.equal(again.code, 0, again.stderr);
  assert.ok(again.stdout.includes('hello-from-host'));

  const wrong = wrongKnownHostsLine(sshd.port);
  const wrongFile = join(config, 'wrong_known_hosts');
  writeFileSync(wrongFile, wrong.line);
  const changed = await cli(['watch', '--snapshot', '--accept-new', '--known-hosts', wrongFile, spec], { ...env, XDG_CONFIG_HOME: mkdtempSync(join(home, 'xdg-')) });
  assert.equal(changed.code, 1);
  assert.ok(changed.stderr.includes(wrong.fingerprint) && changed.stderr.includes(sshd.hostKeyFingerprint), changed.stderr);
  assert.equal(changed.stdout, '');

  const bad = await cli(['watch', '--snapshot', 'guest@127.0.0.1:99999'], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /out of range/);
});

test('CLI: watch in a terminal shows the host live, never sends keys, and q ends it', { skip }, async () => {
  const config = mkdtempSync(join(home, 'xdg-'));
  const pane = (await capturePane(sock.tmux, SESSION)).join('\n');
  const watcher = new PtyClient(['node', CLI, 'watch', '--known-hosts', join(config, 'none'), `guest@127.0.0.1:${sshd.port}`], {
    cols: 80,
    rows: 24,
    env: { HOME: home, XDG_CONFIG_HOME: config, SSH_AUTH_SOCK: '' },
  });
  ptys.push(watcher);
  // In a terminal an unknown key is asked about, with its fingerprint.
  await watcher.waitForText('Trust this host and remember its key (yes/no)?');
  assert.ok(watcher.output.includes(sshd.hostKeyFingerprint), watcher.output);
  watcher.type('yes\r');
  await watcher.waitForText('hello-from-host');
  watcher.type('echo typed-by-watcher\r');
  watcher.type('\x02:new-session -d -s evil\r');
  await typeLine(sock.tmux, SESSION, 'echo live-in-cli');
  await watcher.waitForText('live-in-cli');
  const after = (await capturePane(sock.tmux, SESSION)).join('\n');
  assert.ok(!after.includes('typed-by-watcher'), after);
  assert.ok(after.startsWith(pane.trimEnd().split('\n').slice(0, 2).join('\n')));
  assert.deepEqual(await sock.tmux.sessionNames(), [SESSION]);
  watcher.type('q');
  assert.equal(await watcher.waitForExit(), 0);

  // The host's pane cannot show that no key was sent: tmux's -r drops a guest's keys anyway. So
  // the same command against an SSH server that counts every byte a viewer sends on its channel.
  const fake = await startFakeSshHost({ offered: ['none', 'password'], acceptPassword: '', greeting: 'fake-host-ready\r\n' });
  const onFake = new PtyClient(['node', CLI, 'watch', '--accept-new', '--known-hosts', join(config, 'none'), `guest@127.0.0.1:${fake.port}`], {
    cols: 80,
    rows: 24,
    env: { HOME: home, XDG_CONFIG_HOME: config, SSH_AUTH_SOCK: '' },
  });
  ptys.push(onFake);
  try {
    await onFake.waitForText('fake-host-ready');
    onFake.type('echo typed-by-watcher\r');
    onFake.type('\x02:new-session -d -s evil\r');
    onFake.type('\x1b[A\x1b[<0;5;5M\x1b[200~pasted\x1b[201~');
    // The barrier: a resize after the keys reaches the server on the same channel; once it is
    // there, any key the watcher had sent before it would be there too.
    onFake.resize(100, 30);
    await waitFor('the watcher\'s window change on the server', () => fake.windowChanges.includes('100x30'));
    assert.equal(fake.inputBytes, 0, 'the watcher sent bytes on its channel');
    onFake.type('q');
    assert.equal(await onFake.waitForExit(), 0);
  } finally {
    // The server closes once its last connection is gone: end the watcher first.
    onFake.kill();
    for (const channel of fake.channels) channel.close();
    await fake.close();
  }
});
