// `npm run demo:relay` as a user runs it: in a terminal (a pty), it prints how to watch; an
// OpenSSH guest watches through the printed ssh line and sees the demo host's session; Ctrl-C
// stops every process the demo started (by their PIDs) and removes its temp folder. Bad states
// (the relay's port in use, no nats-server) end with a message saying what to do.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { processTree } from '../../bench/pss';
import { ENDED_MESSAGE } from '../../src/host/messages';
import { opensshClient } from '../helpers/embeddedFixture';
import { PtyClient } from '../helpers/ptyClient';
import { waitFor } from '../helpers/wait';

const ROOT = join(__dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'demoRelay.mjs');
const home = mkdtempSync(join(tmpdir(), 'gb-demo-home-'));
after(() => rmSync(home, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    // A zombie is gone for our purposes: it has exited and only waits to be reaped.
    return !/^\S+ \([^)]*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

test('npm run demo:relay: watch through the printed ssh line, then Ctrl-C stops all it started', { timeout: 150_000 }, async () => {
  // HOME in a temp folder: the relay's host key (~/.config/guest-broadcast/relay) and tmux's
  // config are the test's own. --port 0: any free port, beside other tests.
  const demo = new PtyClient(['npm', 'run', '-s', 'demo:relay', '--', '--port', '0'], { cwd: ROOT, cols: 160, rows: 40, env: { HOME: home, SHELL: '/bin/sh', XDG_CONFIG_HOME: '' } });
  let guest: PtyClient | undefined;
  try {
    await waitFor('the demo to say how to watch', () => demo.output.includes('Press Ctrl-C to stop all three'), 90_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${demo.output}`);
    });
    const output = demo.output.replace(/\r/g, '');
    const ssh = /^ {2}ssh -p (\d+) (\S+)@127\.0\.0\.1$/m.exec(output);
    assert.ok(ssh, output);
    const socket = /tmux -S (\S+) attach -t broadcast/.exec(output)?.[1];
    const dir = /their temp files in (\S+) are removed/.exec(output)?.[1];
    assert.ok(socket && dir && existsSync(dir), output);
    assert.match(output, new RegExp(`node \\S+/dist/cli\\.js watch ${ssh[2]}@127\\.0\\.0\\.1:${ssh[1]}`));

    // Every process the demo started: its tree under the pty, and the host's tmux server (a daemon).
    const tree = processTree([demo.proc.pid]).map((p) => p.pid);
    const tmuxServer = Number(spawnSync('tmux', ['-S', socket, 'display-message', '-p', '#{pid}'], { encoding: 'utf8' }).stdout.trim());
    assert.ok(tmuxServer > 0, 'the host tmux server answers');
    const started = [...tree, tmuxServer];
    const commands = started.map(cmdline);
    for (const what of ['nats-server', 'cli.js relay', 'cli.js host']) assert.ok(commands.some((c) => c.includes(what)), `${what} among ${commands.join('\n')}`);

    guest = opensshClient(Number(ssh[1]), { user: ssh[2], cols: 100, rows: 30, home });
    await guest.waitForText('Guest Broadcast relay demo: this is the host session.', 30_000);
    spawnSync('tmux', ['-S', socket, 'send-keys', '-t', 'broadcast', 'echo demo-marker-$((6*7))', 'Enter']);
    await guest.waitForText('demo-marker-42', 20_000);

    demo.type('\x03');
    // The host stops first, so the relay still runs to tell its guests the broadcast ended.
    await guest.waitForText(ENDED_MESSAGE.slice(0, 40), 20_000);
    await waitFor('every process the demo started to be gone', () => started.every((pid) => !alive(pid)), 40_000).catch((error: Error) => {
      throw new Error(`${error.message}: still there: ${started.filter(alive).map((pid) => `${pid} ${cmdline(pid)}`).join('; ')}\n${demo.output}`);
    });
    assert.equal(await demo.waitForExit(20_000), 0, demo.output);
    assert.match(demo.output.replace(/\r/g, ''), /Ctrl-C: stopping the host, the relay and nats-server…[\s\S]*Stopped; removed /);
    assert.equal(existsSync(dir), false, 'the temp folder is removed');
  } finally {
    guest?.kill();
    demo.kill();
  }
});

test('npm run demo:relay in the background: a SIGTERM to npm (which does not pass it on) also stops all the demo started', { timeout: 150_000 }, async () => {
  // Not in a terminal (as `npm run demo:relay > log &` runs it): npm's end brings no SIGHUP.
  const npm = spawn('npm', ['run', '-s', 'demo:relay', '--', '--port', '0'], { cwd: ROOT, env: { ...process.env, HOME: home, SHELL: '/bin/sh', XDG_CONFIG_HOME: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  npm.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
  npm.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
  let started: number[] = [];
  try {
    await waitFor('the demo to say how to watch', () => output.includes('Press Ctrl-C to stop all three'), 90_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
    const socket = /tmux -S (\S+) attach -t broadcast/.exec(output)?.[1];
    const dir = /their temp files in (\S+) are removed/.exec(output)?.[1];
    assert.ok(socket && dir && existsSync(dir), output);
    const tmuxServer = Number(spawnSync('tmux', ['-S', socket, 'display-message', '-p', '#{pid}'], { encoding: 'utf8' }).stdout.trim());
    started = [...processTree([npm.pid!]).map((p) => p.pid), tmuxServer].filter((pid) => pid !== npm.pid);
    assert.ok(started.map(cmdline).some((c) => c.includes('nats-server')), 'nats-server among what the demo started');
    // npm's own PID, as `kill PID` of what a user started would be.
    process.kill(npm.pid!, 'SIGTERM');
    await waitFor('every process the demo started to be gone', () => started.every((pid) => !alive(pid)), 60_000).catch((error: Error) => {
      throw new Error(`${error.message}: still there: ${started.filter(alive).map((pid) => `${pid} ${cmdline(pid)}`).join('; ')}\n${output}`);
    });
    assert.equal(existsSync(dir), false, 'the temp folder is removed');
  } finally {
    // Whatever is left (the check failed): ended by PID.
    for (const pid of started.filter(alive)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    npm.kill('SIGKILL');
  }
});

function listening(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

test('demo:relay with its port in use, or without nats-server, says what to do and starts nothing', async () => {
  const busy = await listening();
  try {
    const port = (busy.address() as { port: number }).port;
    const r = spawnSync(process.execPath, [SCRIPT, '--port', String(port)], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, HOME: home } });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use .*npm run demo:relay -- --port ${port + 1}`));
    assert.doesNotMatch(r.stdout, /Watch through the relay/);
  } finally {
    busy.close();
  }
  const none = spawnSync(process.execPath, [SCRIPT, '--port', '0'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, HOME: home, NATS_SERVER: join(home, 'no-such-nats-server') } });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /NATS_SERVER=\S+ does not exist\. Point it at a nats-server binary/);
  const bad = spawnSync(process.execPath, [SCRIPT, '--port', 'x'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--port must be a port number from 0 to 65535/);
});
