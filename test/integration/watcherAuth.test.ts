// The viewer's login order and its read-only channel, against a real SSH server (ssh2's Server,
// as the embedded mode uses) that records every attempt, and a real ssh-agent. No root needed.
import assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openWatchSession } from '../../src/watcher';
import { WatchOptions, WatchSession, WatchState } from '../../src/watcher/types';
import { FakeSshHost, FakeSshHostPolicy, startFakeSshHost } from '../helpers/fakeSshHost';
import { Screen, waitFor } from '../helpers/screen';

const root = mkdtempSync(join(tmpdir(), 'gb-viewer-auth-'));
const cleanups: (() => void | Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(root, { recursive: true, force: true });
});

let n = 0;
function keyPair(passphrase = ''): { path: string; publicBlob: Buffer } {
  const path = join(root, `key${++n}`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', '', '-f', path]);
  return { path, publicBlob: Buffer.from(readFileSync(path + '.pub', 'utf8').split(' ')[1], 'base64') };
}

/** A fake broadcast host (test/helpers/fakeSshHost.ts), closed after the file's tests. */
async function startServer(policy: FakeSshHostPolicy): Promise<FakeSshHost> {
  const server = await startFakeSshHost(policy);
  cleanups.push(() => server.close());
  return server;
}

/** A real ssh-agent on its own socket holding `keys`. */
async function startAgent(keys: string[]): Promise<string> {
  const socket = join(mkdtempSync(join(root, 'agent-')), 'sock');
  const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  cleanups.push(() => {
    if (agent.exitCode === null && agent.pid) process.kill(agent.pid, 'SIGTERM');
  });
  await waitFor('ssh-agent to listen', () => {
    try {
      execFileSync('ssh-add', ['-l'], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
      return true;
    } catch (error) {
      return (error as { status?: number }).status === 1; // 1: "no identities", the agent answers
    }
  }, 5000);
  for (const key of keys) execFileSync('ssh-add', ['-q', key], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
  return socket;
}

function tempHome(idKey?: string): string {
  const home = mkdtempSync(join(root, 'home-'));
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  if (idKey) execFileSync('cp', [idKey, join(home, '.ssh', 'id_ed25519')]);
  return home;
}

function watch(port: number, home: string, secret: (prompt: string) => string | undefined, extra: Partial<WatchOptions> = {}) {
  const screen = new Screen(80, 24);
  const states: WatchState[] = [];
  const prompts: string[] = [];
  const session: WatchSession = openWatchSession(
    { label: 'test', host: '127.0.0.1', port, user: 'viewer', identityFiles: [] },
    { confirmNewHostKey: async () => true, askSecret: async (p) => (prompts.push(p), secret(p)) },
    { cols: 80, rows: 24, home, hostKeyStorePath: join(home, 'store'), knownHostsFiles: [], agentSocket: null, reconnect: { initialMs: 100, maxMs: 300 }, ...extra },
  );
  cleanups.push(() => session.close());
  session.onOutput((d) => screen.feed(d));
  session.onState((s) => states.push(s));
  const until = (kind: WatchState['kind']) => waitFor(`state ${kind}: ${JSON.stringify(states)}`, () => states.find((s) => s.kind === kind), 10_000).then((s) => s!);
  return { session, screen, states, prompts, until, text: () => screen.settledText() };
}

test('login order: none, empty password, empty keyboard-interactive, agent, key files, then a password; the failure names the offered methods', async () => {
  const agentKey = keyPair();
  const fileKey = keyPair();
  const server = await startServer({ offered: ['publickey', 'password', 'keyboard-interactive'], greeting: 'never' });
  const agent = await startAgent([agentKey.path]);
  const viewer = watch(server.port, tempHome(fileKey.path), () => 'typed-pw', { agentSocket: agent });
  const state = await viewer.until('error');
  assert.deepEqual(
    server.attempts.map((a) => `${a.method}${a.detail ? ' ' + a.detail : ''}`),
    ['none', 'password ""', 'keyboard-interactive [""]', 'publickey query', 'publickey query', 'password "typed-pw"', 'keyboard-interactive ["typed-pw"]'],
  );
  assert.equal(viewer.prompts.length, 2, JSON.stringify(viewer.prompts));
  assert.match(viewer.prompts[0], /^Password for viewer@127\.0\.0\.1:\d+:$/);
  assert.match(viewer.prompts[1], /Server asks\nPassword:/);
  assert.ok(state.kind === 'error');
  assert.match(state.message, /The server offers: publickey, password, keyboard-interactive\./);
  assert.match(state.message, /Tried: none, empty password, keyboard-interactive \(empty\), the SSH agent, key .*id_ed25519, a password, keyboard-interactive\./);
  assert.ok(!viewer.states.some((s) => s.kind === 'reconnecting'), 'a refused login is not retried');
});

test('the agent logs in before any key file or question', async () => {
  const agentKey = keyPair();
  const server = await startServer({ offered: ['publickey'], acceptKey: agentKey.publicBlob, greeting: 'hello via agent\r\n' });
  const agent = await startAgent([agentKey.path]);
  const viewer = watch(server.port, tempHome(keyPair().path), () => 'unused', { agentSocket: agent });
  await viewer.until('live');
  await waitFor('the greeting', async () => (await viewer.text()).includes('hello via agent'));
  assert.deepEqual(server.attempts.map((a) => a.method + ' ' + a.detail), ['none ', 'publickey query', 'publickey signed']);
  assert.deepEqual(viewer.prompts, []);
});

test('an encrypted key asks for its passphrase once; a reconnect reuses it', async () => {
  const key = keyPair('sesame');
  const server = await startServer({ offered: ['publickey'], acceptKey: key.publicBlob, greeting: 'hello via key\r\n' });
  const home = tempHome(key.path);
  const viewer = watch(server.port, home, (p) => (p.includes('Passphrase') ? 'sesame' : undefined));
  await viewer.until('live');
  assert.deepEqual(viewer.prompts, [`Passphrase for the key ${join(home, '.ssh', 'id_ed25519')}:`]);
  // The server drops the connection: the viewer reconnects without asking again.
  server.channels[0].close();
  await waitFor('a second live', () => viewer.states.filter((s) => s.kind === 'live').length >= 2, 10_000);
  assert.equal(viewer.prompts.length, 1);
});

test('a cancelled question stops the login with a clear message', async () => {
  const server = await startServer({ offered: ['password'], acceptPassword: 'x', greeting: '' });
  const viewer = watch(server.port, tempHome(), () => undefined);
  const state = await viewer.until('error');
  assert.ok(state.kind === 'error');
  assert.equal(state.message, 'Login to viewer@127.0.0.1:' + server.port + ' cancelled.');
});

test('the channel carries no input at all, resizes send window-change, and host escape sequences are filtered', async () => {
  const server = await startServer({
    offered: ['password'],
    acceptPassword: '',
    greeting: 'visible\x1b]52;c;c2VjcmV0\x07\x1b]2;title\x07\x1b[c\x1b[6n text\r\n',
  });
  const viewer = watch(server.port, tempHome(), () => undefined);
  const events: string[] = [];
  viewer.screen.term.onData((d) => events.push(`reply ${JSON.stringify(d)}`));
  viewer.screen.term.onTitleChange((t) => events.push(`title ${t}`));
  viewer.screen.term.parser.registerOscHandler(52, () => (events.push('osc52'), true));
  await viewer.until('live');
  await waitFor('the greeting', async () => (await viewer.text()).includes('visible text'));
  viewer.session.resize(100, 40);
  await waitFor('window-change', () => server.windowChanges.includes('100x40'));
  assert.deepEqual(server.windowChanges, ['pty 80x24', '100x40']);
  assert.deepEqual(events, []);
  assert.equal(server.inputBytes, 0);
  // A clean exit (status 0) is the broadcast ending, not a lost connection.
  server.channels[0].exit(0);
  server.channels[0].close();
  await viewer.until('ended');
  assert.ok(!viewer.states.some((s) => s.kind === 'reconnecting'));
});
