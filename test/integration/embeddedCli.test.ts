// The real CLI (dist/cli.js, as `npm start` runs it) in a pty: `host` on the embedded default
// serves a guest, `status --json` from another process lists the guest, Ctrl-C ends it cleanly;
// a port in use and bad flags fail with errors that say what to do.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ENDED_MESSAGE } from '../../src/host/broadcast';
import { boundedTest as test, opensshClient, runClient } from '../helpers/embeddedFixture';
import { PtyClient } from '../helpers/ptyClient';
import { waitFor } from '../helpers/screen';
import { TEST_SHELL } from '../helpers/tmuxFixture';
import { CLI, cliWorld } from '../helpers/cliProcess';

// Each test is bounded in time: a hang is a failure, not a stuck suite.

const { sock, stateDir, env, cleanups, cli } = cliWorld('gb-cli-');

function host(args: string[]): PtyClient {
  const p = new PtyClient(['node', CLI, 'host', '--socket', sock.socketPath, '--state-dir', stateDir, '--command', TEST_SHELL, '--tmux-config', '/dev/null', ...args], { cols: 160, rows: 40, env });
  cleanups.push(() => p.kill());
  return p;
}

test('host serves a guest, status --json lists it with user and since, Ctrl-C ends it cleanly', async () => {
  const h = host(['--listen', '127.0.0.1:0']);
  await h.waitForText('Press Ctrl-C to stop the broadcast.');
  const port = Number(/ssh -p (\d+) guest@127\.0\.0\.1/.exec(h.output)?.[1]);
  assert.ok(port > 0, h.output);
  const text = (await h.lines()).join('\n');
  assert.match(text, /Attach as the host \(read-write\): +tmux -S \S+ attach-session -t =broadcast/);
  assert.match(text, /Host key fingerprint: +SHA256:[A-Za-z0-9+/]{43}/);
  assert.match(text, /Access: +open: any user name, no password/);
  assert.match(text, /only people logged in to this machine can watch/);

  await runClient(['tmux', '-S', sock.socketPath, 'send-keys', '-t', 'broadcast', 'echo from-the-cli-host', 'Enter']);
  const guest = opensshClient(port, { user: 'frank' });
  cleanups.push(() => guest.kill());
  await guest.waitForText('from-the-cli-host');
  await h.waitForText('frank started watching from 127.0.0.1:');

  const listed = await waitFor('status --json to list frank', async () => {
    const r = await cli(['status', '--json', '--socket', sock.socketPath]);
    const parsed = JSON.parse(r.stdout) as { broadcasting: boolean; mode: string; listen: string; viewers: Array<{ user: string; since: string; cols: number }> };
    return parsed.viewers.length === 1 ? parsed : undefined;
  });
  assert.ok(listed);
  const status = listed;
  assert.equal(status.broadcasting, true);
  assert.equal(status.mode, 'embedded');
  assert.equal(status.listen, `127.0.0.1:${port}`);
  assert.equal(status.viewers[0].user, 'frank');
  assert.equal(status.viewers[0].cols, 80);
  assert.ok(Date.now() - Date.parse(status.viewers[0].since) < 60_000);
  const human = await cli(['status', '--socket', sock.socketPath]);
  assert.match(human.stdout, /1 viewer:\n +frank/);

  h.type('\x03');
  await guest.waitForText(ENDED_MESSAGE);
  assert.equal(await guest.waitForExit(), 0, JSON.stringify(guest.output.slice(-300)));
  assert.equal(await h.waitForExit(), 0);
  assert.match(h.output, /The broadcast has ended; every guest was told\./);
  assert.equal(await sock.tmux.serverPid(), undefined);
  assert.ok(!existsSync(sock.socketPath), 'the socket file is left behind');
});

test('guest-broadcast stop from another process ends the embedded guests with the message and the host command', async () => {
  const h = host(['--listen', '127.0.0.1:0', '--login-timeout', '30']);
  await h.waitForText('Press Ctrl-C to stop the broadcast.');
  const port = Number(/ssh -p (\d+) guest@127\.0\.0\.1/.exec(h.output)?.[1]);
  const guest = opensshClient(port, { user: 'gina' });
  cleanups.push(() => guest.kill());
  await h.waitForText('gina started watching');
  const stop = await cli(['stop', '--socket', sock.socketPath]);
  assert.equal(stop.code, 0);
  assert.match(stop.stdout, /Stopped the broadcast of "broadcast"/);
  await guest.waitForText(ENDED_MESSAGE);
  assert.equal(await guest.waitForExit(), 0);
  assert.equal(await h.waitForExit(), 0);
  assert.match(h.output, /The broadcast ended: it was stopped \(guest-broadcast stop\)\./);
  assert.doesNotMatch(h.output, /tmux server exited/);
});

test('a host killed with -9 leaves a session nobody serves: status says so, and host serves it again', async () => {
  const h = host(['--listen', '127.0.0.1:0']);
  await h.waitForText('Press Ctrl-C to stop the broadcast.');
  const port = Number(/ssh -p (\d+) guest@127\.0\.0\.1/.exec(h.output)?.[1]);
  const guest = opensshClient(port, { user: 'hank' });
  cleanups.push(() => guest.kill());
  await h.waitForText('hank started watching');
  await waitFor('status to list hank', async () => JSON.parse((await cli(['status', '--json', '--socket', sock.socketPath])).stdout).viewers.length === 1);

  process.kill(h.proc.pid, 'SIGKILL');
  await h.waitForExit();
  const status = JSON.parse((await cli(['status', '--json', '--socket', sock.socketPath])).stdout) as { broadcasting: boolean; listen: string | null; viewers: unknown[] };
  assert.deepEqual({ broadcasting: status.broadcasting, listen: status.listen, viewers: status.viewers }, { broadcasting: true, listen: null, viewers: [] });
  const human = await cli(['status', '--socket', sock.socketPath]);
  assert.match(human.stdout, /No SSH server serves it right now: the process that hosted it ended\. Serve it again with: guest-broadcast host --socket /);
  // The hint repeats where guests connected and the state folder (its host key), read back from the markers.
  assert.ok(human.stdout.includes(`--listen 127.0.0.1:${port} --state-dir ${stateDir},`), human.stdout);

  // Serving it again picks the same session up (tmux kept it), on the same port.
  const again = host(['--listen', `127.0.0.1:${port}`]);
  await again.waitForText('Press Ctrl-C to stop the broadcast.');
  const back = await waitFor('status to show the server again', async () => {
    const s = JSON.parse((await cli(['status', '--json', '--socket', sock.socketPath])).stdout) as { listen: string | null };
    return s.listen === `127.0.0.1:${port}` ? s : undefined;
  });
  assert.ok(back);
  const stop = await cli(['stop', '--socket', sock.socketPath]);
  assert.equal(stop.code, 0);
  assert.equal(await again.waitForExit(), 0);
});

test('a port in use fails the start with the port and the flag, and leaves no tmux server behind', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const r = await cli(['host', '--socket', sock.socketPath, '--state-dir', stateDir, '--tmux-config', '/dev/null', '--listen', `127.0.0.1:${port}`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`Port ${port} is already in use on 127\\.0\\.0\\.1.*--listen`));
  assert.equal(await sock.tmux.serverPid(), undefined);
});

test('bad flags are refused with what to do', async () => {
  const bad = async (args: string[], pattern: RegExp): Promise<void> => {
    const r = await cli(['host', '--socket', sock.socketPath, '--state-dir', stateDir, ...args]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, pattern);
  };
  await bad(['--access', 'everyone'], /--access must be one of open, password, keys/);
  await bad(['--listen', 'nowhere'], /--listen "nowhere" is not a listen address \(no port\)\. Use HOST:PORT/);
  await bad(['--listen', '127.0.0.1:70000'], /ports go up to 65535/);
  await bad(['--access', 'keys', '--authorized-keys', join(sock.dir, 'missing')], /Cannot read the authorized keys file .*missing: it does not exist/);
  await bad(['--authorized-keys', '/dev/null'], /--authorized-keys is only used with --access keys/);
  await bad(['--mode', 'system', '--listen', '127.0.0.1:2222'], /--listen is for embedded mode/);
  await bad(['--max-viewers', '0'], /--max-viewers must be a whole number from 1/);
  await bad(['--max-size-groups', '0'], /--max-size-groups must be a whole number from 1/);
  await bad(['--login-timeout', 'soon'], /--login-timeout must be a whole number of seconds from 1 to 3600/);
  assert.equal(await sock.tmux.serverPid(), undefined);
});

test('passphrase prints the password-policy passphrase, --regenerate replaces it, host --access password shows it', async () => {
  const first = await cli(['passphrase', '--state-dir', stateDir]);
  assert.equal(first.code, 0);
  const value = first.stdout.trim();
  assert.match(value, /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
  assert.equal((await cli(['passphrase', '--state-dir', stateDir])).stdout.trim(), value);
  const renewed = await cli(['passphrase', '--regenerate', '--state-dir', stateDir]);
  assert.notEqual(renewed.stdout.trim(), value);
  assert.match(renewed.stderr, /New passphrase saved/);

  const h = host(['--listen', '127.0.0.1:0', '--access', 'password']);
  await h.waitForText('Press Ctrl-C');
  assert.ok(h.output.includes(`password "${renewed.stdout.trim()}"`), h.output);
  h.type('\x03');
  assert.equal(await h.waitForExit(), 0);
});
