// Faults, on real parts: the tmux server dies mid-broadcast, the embedded host process is killed
// and started again, sshd restarts. The host side must notice and end cleanly; viewers must not
// wedge: they keep trying and come back by themselves once the broadcast is there again, and
// only to the same host key. (A VS Code window reload is covered by the VS Code suite.)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broadcast, ENDED_MESSAGE } from '../../src/host/broadcast';
import { EmbeddedSshRoute } from '../../src/host/routes/embeddedSshRoute';
import { BroadcastMode, MODES, ModeFixture, startMode } from '../helpers/broadcastModes';
import { boundedTest, opensshClient, useCleanups } from '../helpers/embeddedFixture';
import { isRoot, PtyClient } from '../helpers/ptyClient';
import { waitFor } from '../helpers/screen';
import { tempSocket, TEST_SHELL, typeLine } from '../helpers/tmuxFixture';
import { screenShows, startWatcher } from '../helpers/watcher';
import { SystemSshRoute } from '../../src/host/routes/systemSshRoute';

const test = (name: string, fn: () => Promise<void>, skip: string | false = false): void => boundedTest(name, fn, { timeoutMs: 90_000, skip });

const root = mkdtempSync(join(tmpdir(), 'gb-sec-faults-'));
const { list: cleanups } = useCleanups();
// Registered first, so it runs after everything else.
cleanups.push(() => rmSync(root, { recursive: true, force: true }));

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

/** Resolves true when something accepts a TCP connection on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** Starts a broadcast again on the fixture's socket: the same sshd, or an embedded server on the same port and state folder. */
async function startAgain(fx: ModeFixture): Promise<Broadcast> {
  const common = { socketPath: fx.socketPath, sessionName: fx.sessionName, command: TEST_SHELL, configFile: '/dev/null', pollIntervalMs: 200 };
  if (fx.mode === 'system') return Broadcast.start({ ...common, routes: [new SystemSshRoute({ guestUser: 'guest', sshPort: fx.port })] });
  const stateDir = fx.embedded!.stateDir;
  return Broadcast.start({ ...common, routes: [new EmbeddedSshRoute({ listen: `127.0.0.1:${fx.port}`, access: 'open', stateDir })] });
}

for (const mode of MODES) {
  test(`${mode}: the tmux server dies mid-broadcast: the broadcast ends, guests are dropped, viewers come back after a new start`, async () => {
    const fx = await startMode(mode as BroadcastMode);
    let current = fx.broadcast;
    cleanups.push(async () => {
      await current.stop().catch(() => undefined);
      await fx.cleanup();
    });
    await typeLine(fx.tmux, fx.sessionName, 'echo before-the-crash');
    const guest: PtyClient = opensshClient(fx.port);
    cleanups.push(() => guest.kill());
    await guest.waitForText('before-the-crash');
    const viewer = startWatcher(root, cleanups, fx.port);
    await viewer.until('live');
    await screenShows(viewer, 'before-the-crash', 15_000);

    const fingerprint = fx.broadcast.hostKeyFingerprint;
    const ended = new Promise<string>((resolve) => fx.broadcast.once('ended', resolve));
    const serverPid = await fx.tmux.serverPid();
    assert.ok(serverPid);
    process.kill(serverPid, 'SIGKILL');
    assert.equal(await ended, 'the tmux server exited');
    assert.equal(fx.broadcast.ended, true);
    assert.deepEqual(fx.broadcast.guests, []);
    // The OpenSSH guest is told and dropped, not left staring at a frozen screen or tmux's "[lost server]".
    await guest.waitForText(ENDED_MESSAGE);
    await guest.waitForExit(15_000);
    if (mode === 'embedded') assert.equal(await listening(fx.port), false, 'the guest server still listens after the broadcast ended');
    // The viewer does not take a crash for a deliberate end: it keeps trying.
    await viewer.until('reconnecting');
    assert.ok(!viewer.states.some((s) => s.kind === 'ended' || s.kind === 'error'), JSON.stringify(viewer.states));

    // A new start works, on the same port; the viewer comes back by itself.
    current = await startAgain(fx);
    assert.equal(current.startedNow, true);
    if (mode === 'embedded') assert.equal(current.hostKeyFingerprint, fingerprint, 'the embedded host key changed across the restart');
    await typeLine(fx.tmux, fx.sessionName, 'echo after-the-restart');
    await screenShows(viewer, 'after-the-restart', 30_000);
    assert.equal(viewer.states[viewer.states.length - 1].kind, 'live');
    const again = opensshClient(fx.port);
    cleanups.push(() => again.kill());
    await again.waitForText('after-the-restart');
  }, mode === 'system' && !isRoot ? 'needs root' : false);
}

test('embedded: the host process is killed and started again: viewers reconnect by themselves, to the same host key', async () => {
  const sock = tempSocket('gb-sec-host-');
  const stateDir = join(sock.dir, 'state');
  cleanups.push(() => sock.cleanup());
  const env = { XDG_CONFIG_HOME: join(sock.dir, 'config'), XDG_RUNTIME_DIR: sock.dir };
  const host = (listen: string): PtyClient => {
    const p = new PtyClient(['node', CLI, 'host', '--socket', sock.socketPath, '--state-dir', stateDir, '--command', TEST_SHELL, '--tmux-config', '/dev/null', '--listen', listen], { cols: 160, rows: 40, env });
    cleanups.push(() => p.kill());
    return p;
  };
  const first = host('127.0.0.1:0');
  await first.waitForText('Press Ctrl-C to stop the broadcast.');
  const port = Number(/ssh -p (\d+) guest@127\.0\.0\.1/.exec(first.output)?.[1]);
  const fingerprint = /SHA256:[A-Za-z0-9+/]{43}/.exec(first.output)?.[0];
  assert.ok(port > 0 && fingerprint, first.output);
  await typeLine(sock.tmux, 'broadcast', 'echo first-host-process');
  const viewer = startWatcher(root, cleanups, port);
  await viewer.until('live');
  await screenShows(viewer, 'first-host-process', 15_000);

  // The host process dies (no clean stop): its guest server is gone, the tmux session lives on.
  process.kill(first.proc.pid, 'SIGKILL');
  await viewer.until('reconnecting');
  assert.equal(await listening(port), false);
  assert.deepEqual(await sock.tmux.sessionNames(), ['broadcast']);

  const second = host(`127.0.0.1:${port}`);
  await second.waitForText('Press Ctrl-C to stop the broadcast.');
  assert.ok(second.output.includes(fingerprint!), 'the host key changed across the restart');
  await typeLine(sock.tmux, 'broadcast', 'echo second-host-process');
  await screenShows(viewer, 'second-host-process', 30_000);
  assert.ok(!viewer.states.some((s) => s.kind === 'error' || s.kind === 'ended'), JSON.stringify(viewer.states));
  second.type('\x03');
  await second.waitForExit(15_000);
});

test('system: sshd restarts: viewers reconnect by themselves', async () => {
  const fx = await startMode('system');
  cleanups.push(() => fx.cleanup());
  await typeLine(fx.tmux, fx.sessionName, 'echo before-sshd-restart');
  const viewer = startWatcher(root, cleanups, fx.port);
  await viewer.until('live');
  await screenShows(viewer, 'before-sshd-restart', 15_000);
  const lives = viewer.states.filter((s) => s.kind === 'live').length;

  // A restart that ends the sessions too (sshd's per-connection processes), as a reboot or a
  // restart of the whole service does.
  await fx.sshd!.restart({ dropSessions: true });
  await waitFor('the viewer to be live again', () => viewer.states.filter((s) => s.kind === 'live').length > lives, 30_000);
  assert.ok(viewer.states.some((s) => s.kind === 'reconnecting'), JSON.stringify(viewer.states));
  await typeLine(fx.tmux, fx.sessionName, 'echo after-sshd-restart');
  await screenShows(viewer, 'after-sshd-restart', 15_000);
  assert.ok(!viewer.states.some((s) => s.kind === 'error' || s.kind === 'ended'), JSON.stringify(viewer.states));
}, isRoot ? false : 'needs root');
