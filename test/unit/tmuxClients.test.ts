import assert from 'node:assert/strict';
import { test } from 'node:test';
import { farewellCommand, LIST_CLIENTS_FORMAT, parseClientList } from '../../src/tmux/clients';
import { guestAttachArgv, hostAttachArgv, shellCommand } from '../../src/tmux/attach';
import { hardeningCommands } from '../../src/tmux/broadcastSession';
import { viewersFromClients, viewerCountLabel } from '../../src/host/viewers';

const S = '\u001f';

test('list-clients output is parsed into typed clients', () => {
  const out = [
    ['/dev/pts/3', '1200', 'alice', '1000', '0', '120', '34', '1764300000', 'xterm-256color', 'broadcast'].join(S),
    ['/dev/pts/7', '1300', 'guest', '1001', '1', '80', '24', '1764300060', 'screen', 'broadcast'].join(S),
    'garbage line',
    '',
  ].join('\n');
  const clients = parseClientList(out);
  assert.equal(clients.length, 2);
  assert.deepEqual(clients[1], {
    name: '/dev/pts/7', pid: 1300, user: 'guest', uid: 1001, readOnly: true, cols: 80, rows: 24,
    since: new Date(1764300060 * 1000), termName: 'screen', session: 'broadcast',
  });
  assert.equal(LIST_CLIENTS_FORMAT.split(S).length, 10);
});

test('only read-only clients are viewers', () => {
  const out = [
    ['/dev/pts/3', '1', 'alice', '1000', '0', '120', '34', '1', 'xterm', 'b'].join(S),
    ['/dev/pts/4', '2', 'guest', '1001', '1', '80', '24', '2', 'xterm', 'b'].join(S),
  ].join('\n');
  const viewers = viewersFromClients(parseClientList(out));
  assert.deepEqual(viewers.map((v) => v.name), ['/dev/pts/4']);
  assert.equal(viewerCountLabel(1), '1 viewer');
  assert.equal(viewerCountLabel(3), '3 viewers');
});

test('guests always attach read-only to exactly the broadcast session', () => {
  const target = { socketPath: '/tmp/x y/guest', sessionName: 'broadcast' };
  assert.deepEqual(guestAttachArgv(target), ['tmux', '-S', '/tmp/x y/guest', 'attach-session', '-r', '-E', '-t', '=broadcast']);
  assert.ok(!hostAttachArgv(target).includes('-r'));
  assert.equal(shellCommand(guestAttachArgv(target)), "tmux -S '/tmp/x y/guest' attach-session -r -E -t =broadcast");
});

test('the farewell message cannot break out of its shell quoting', () => {
  const cmd = farewellCommand(`it's over; rm -rf / \u001b[31m`);
  assert.equal(cmd, `printf '\\r\\n%s\\r\\n' 'it'\\''s over; rm -rf /  [31m'`);
});

test('hardening refuses session names that could inject tmux commands', () => {
  assert.throws(() => hardeningCommands("x' ; kill-server ; '"), /not allowed/);
  assert.equal(hardeningCommands('broadcast').length, 3);
});
