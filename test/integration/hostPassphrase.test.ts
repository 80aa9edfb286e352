// A running `host --access password` shows a regenerated passphrase: `passphrase --regenerate`
// from another terminal replaces the state folder's file, and the host's output (where the host
// copied it from) must not keep showing the old one as current.
import assert from 'node:assert/strict';
import { boundedTest as test, runClient } from '../helpers/embeddedFixture';
import { CLI, CliProcess, cliWorld } from '../helpers/cliProcess';
import { TEST_SHELL } from '../helpers/tmuxFixture';

const { sock, stateDir, env, cleanups } = cliWorld('gb-pass-');

test('the running host prints the new passphrase after passphrase --regenerate, each time', async () => {
  const host = new CliProcess(['host', '--socket', sock.socketPath, '--state-dir', stateDir, '--command', TEST_SHELL, '--tmux-config', '/dev/null', '--listen', '127.0.0.1:0', '--access', 'password'], env);
  cleanups.push(() => host.kill());
  await host.waitForOutput('Press Ctrl-C to stop the broadcast.');
  const old = /Access: +password "([a-z0-9-]+)"/.exec(host.stdout)?.[1];
  assert.ok(old, host.stdout);

  for (let round = 0; round < 2; round++) {
    const r = await runClient(['node', CLI, 'passphrase', '--regenerate', '--state-dir', stateDir], { env });
    assert.equal(r.code, 0, r.stderr);
    const fresh = r.stdout.trim();
    assert.notEqual(fresh, old);
    await host.waitForOutput(`The passphrase changed: guests now log in with "${fresh}"`);
  }
  host.signal('SIGTERM');
  assert.equal(await host.waitForExit(), 0, host.output);
});

// The start output says how to renew the passphrase; with --state-dir the command must name that
// folder, or it would renew the default folder's passphrase while this host kept the old one.
test('the host\'s "new one:" command renews this broadcast\'s passphrase (its --state-dir included)', async () => {
  const host = new CliProcess(['host', '--socket', sock.socketPath, '--state-dir', stateDir, '--command', TEST_SHELL, '--tmux-config', '/dev/null', '--listen', '127.0.0.1:0', '--access', 'password'], env);
  cleanups.push(() => host.kill());
  await host.waitForOutput('Press Ctrl-C to stop the broadcast.');
  const hint = /new one: (guest-broadcast [^)]*)\)/.exec(host.stdout)?.[1];
  assert.ok(hint, host.stdout);
  // The temp paths hold no characters a shell would need quoted, so the words split on spaces.
  const r = await runClient(['node', CLI, ...hint.split(' ').slice(1)], { env });
  assert.equal(r.code, 0, r.stderr);
  await host.waitForOutput(`The passphrase changed: guests now log in with "${r.stdout.trim()}"`);
  host.signal('SIGTERM');
  assert.equal(await host.waitForExit(), 0, host.output);
});
