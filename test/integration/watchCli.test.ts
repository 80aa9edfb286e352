// `guest-broadcast watch`, the real CLI in a pty, against a real broadcast served by the real CLI
// `host`: the end of a broadcast is said once, on a line of its own, so the shell prompt that
// follows starts on a fresh line; and --snapshot logs in to a password broadcast without a prompt,
// the passphrase read from a file or the environment (never the command line).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { boundedTest as test, runClient } from '../helpers/embeddedFixture';
import { PtyClient } from '../helpers/ptyClient';
import { Screen } from '../helpers/screen';
import { tempSocket, TEST_SHELL } from '../helpers/tmuxFixture';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const sock = tempSocket('gb-watchcli-');
const stateDir = join(sock.dir, 'state');
const env = { XDG_CONFIG_HOME: join(sock.dir, 'config'), XDG_RUNTIME_DIR: sock.dir, HOME: sock.dir };
const cleanups: Array<() => void> = [];
after(async () => {
  for (const c of cleanups) c();
  await sock.cleanup();
});

function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runClient(['node', CLI, ...args], { env: { ...env, ...extraEnv } });
}

async function host(args: string[] = []): Promise<{ h: PtyClient; port: number }> {
  const h = new PtyClient(['node', CLI, 'host', '--socket', sock.socketPath, '--state-dir', stateDir, '--command', TEST_SHELL, '--tmux-config', '/dev/null', '--listen', '127.0.0.1:0', ...args], { cols: 160, rows: 40, env });
  cleanups.push(() => h.kill());
  await h.waitForText('Press Ctrl-C to stop the broadcast.');
  const port = Number(/ssh -p (\d+) \S+@127\.0\.0\.1/.exec(h.output)?.[1]);
  assert.ok(port > 0, h.output);
  return { h, port };
}

test('watch says once that the broadcast ended, on its own line, and exits 0', async () => {
  const { h, port } = await host();
  await runClient(['tmux', '-S', sock.socketPath, 'send-keys', '-t', 'broadcast', 'echo watched-by-cli', 'Enter']);
  const w = new PtyClient(['node', CLI, 'watch', '--accept-new', `guest@127.0.0.1:${port}`], { cols: 100, rows: 30, env });
  cleanups.push(() => w.kill());
  await w.waitForText('watched-by-cli');

  const stop = await cli(['stop', '--socket', sock.socketPath]);
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal(await w.waitForExit(), 0, JSON.stringify(w.output.slice(-400)));
  assert.equal(await h.waitForExit(), 0);

  const said = w.output.split('has ended').length - 1;
  assert.equal(said, 1, `the end is said ${said} times: ${JSON.stringify(w.output.slice(-400))}`);
  // What the user's terminal shows once the shell prints its prompt after the watcher exits:
  // the end on a line of its own, the prompt on the next one, nothing written over.
  const terminal = new Screen(100, 30);
  terminal.feed(w.output + 'PROMPT$ ');
  const lines = (await terminal.settledText()).split('\n').filter((l) => l.trim() !== '');
  terminal.dispose();
  assert.equal(lines[lines.length - 1].trimEnd(), 'PROMPT$', lines.join('\n'));
  assert.equal(lines[lines.length - 2].trimEnd(), 'Guest Broadcast: the broadcast has ended.', lines.join('\n'));
});

test('watch --snapshot logs in to a password broadcast with --passphrase-file or $GUEST_BROADCAST_PASSPHRASE, and says when it is refused', async () => {
  const passphrase = (await cli(['passphrase', '--state-dir', stateDir])).stdout.trim();
  assert.match(passphrase, /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
  const { h, port } = await host(['--access', 'password']);
  await runClient(['tmux', '-S', sock.socketPath, 'send-keys', '-t', 'broadcast', 'echo seen-with-a-passphrase', 'Enter']);
  const target = `guest@127.0.0.1:${port}`;
  // No terminal to ask in (execFile): without a passphrase the login cannot succeed.
  const none = await cli(['watch', '--snapshot', '--accept-new', target]);
  assert.equal(none.code, 1, none.stderr);
  assert.match(none.stderr, /No terminal to answer "Password for guest@127\.0\.0\.1:\d+:" in\. A broadcast's passphrase can be given with --passphrase-file FILE or \$GUEST_BROADCAST_PASSPHRASE\./);
  assert.match(none.stderr, /Login to .* cancelled/);

  const file = join(sock.dir, 'passphrase.txt');
  writeFileSync(file, passphrase + '\n', { mode: 0o600 });
  const fromFile = await cli(['watch', '--snapshot', '--accept-new', '--passphrase-file', file, target]);
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.match(fromFile.stdout, /seen-with-a-passphrase/);

  const fromEnv = await cli(['watch', '--snapshot', '--accept-new', target], { GUEST_BROADCAST_PASSPHRASE: passphrase });
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  assert.match(fromEnv.stdout, /seen-with-a-passphrase/);

  const wrong = await cli(['watch', '--snapshot', '--accept-new', target], { GUEST_BROADCAST_PASSPHRASE: 'not-the-passphrase' });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /the server refused the password from \$GUEST_BROADCAST_PASSPHRASE/);

  const missing = await cli(['watch', '--snapshot', '--passphrase-file', join(sock.dir, 'nope'), target]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Cannot read the passphrase file .*nope: it does not exist/);

  h.type('\x03');
  assert.equal(await h.waitForExit(), 0);
});
