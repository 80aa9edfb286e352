// The watch command's shape is one rule (src/host/guestSshCommand.ts): the embedded server and
// system mode must print the same thing for the same user, host and port.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemJoinCommand } from '../../src/host/routes/systemSshRoute';
import { embeddedJoinCommand } from '../../src/host/embedded/listen';
import { guestSshCommand } from '../../src/host/guestSshCommand';

test('ssh USER@HOST, with -p only when the port is not 22', () => {
  assert.equal(guestSshCommand('guest', 'devbox'), 'ssh guest@devbox');
  assert.equal(guestSshCommand('guest', 'devbox', 22), 'ssh guest@devbox');
  assert.equal(guestSshCommand('watcher', '10.0.0.5', 2222), 'ssh -p 2222 watcher@10.0.0.5');
});

test('the embedded server and system mode print the same command for the same user, host and port', () => {
  for (const port of [22, 2222]) {
    assert.equal(embeddedJoinCommand({ host: '0.0.0.0', port }, 'guest', 'devbox'), systemJoinCommand('guest', port, 'devbox'));
    assert.equal(embeddedJoinCommand({ host: '10.0.0.5', port }, 'viewer'), systemJoinCommand('viewer', port, '10.0.0.5'));
  }
});
