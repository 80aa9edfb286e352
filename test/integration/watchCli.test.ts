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
