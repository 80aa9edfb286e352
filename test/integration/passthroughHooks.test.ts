// The broadcast server keeps allow-passthrough off (src/tmux/broadcastSession.ts) whatever name
// the host turns it on with: set-option at every level, setw, set-window-option, and the prefixes
// of it that tmux accepts as the command (`set-w`), which an alias of the full name alone missed.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, test } from 'node:test';
import { createBroadcastSession } from '../../src/tmux/broadcastSession';
import { tempSocket, TEST_SHELL } from '../helpers/tmuxFixture';

const sock = tempSocket('gb-passthrough-');
after(() => sock.cleanup());

test('allow-passthrough stays off at every level whatever command name turns it on', async () => {
  mkdirSync(dirname(sock.socketPath), { recursive: true, mode: 0o700 });
  await createBroadcastSession(sock.tmux, { sessionName: 'broadcast', command: TEST_SHELL, configFile: '/dev/null' });
  const levels = async (): Promise<string> =>
    (await Promise.all([['-gwv'], ['-wv', '-t', 'broadcast'], ['-pv', '-t', 'broadcast']].map((flags) => sock.tmux.run(['show-options', ...flags, 'allow-passthrough'])))).map((v) => v.trim() || '-').join(' ');
  const attempts = [
    ['set-option', '-g', 'allow-passthrough', 'on'],
    ['set-option', '-p', '-t', 'broadcast', 'allow-passthrough', 'on'],
    ...['setw', 'set-w', 'set-wind', 'set-window-opt', 'set-window-option'].flatMap((name) => [[name, '-g', 'allow-passthrough', 'on'], [name, '-t', 'broadcast', 'allow-passthrough', 'on']]),
  ];
  for (const argv of attempts) {
    await sock.tmux.run(argv);
    assert.doesNotMatch(await levels(), /on/, `tmux ${argv.join(' ')} left allow-passthrough on`);
  }
  // What the server itself may still do: a host's own set-option of something else works.
  await sock.tmux.run(['set-w', '-g', 'mode-keys', 'vi']);
  assert.equal((await sock.tmux.run(['show-options', '-gwv', 'mode-keys'])).trim(), 'vi');
});
