import assert from 'node:assert/strict';
import { test } from 'node:test';
import { farewellCommand, LIST_CLIENTS_FORMAT, parseClientList } from '../../src/tmux/clients';
import { guestAttachArgv, hostAttachArgv, shellCommand } from '../../src/tmux/attach';
import { hardeningCommands, passthroughOffCommands } from '../../src/tmux/broadcastSession';
import { guestsFromClients, viewerCountLabel } from '../../src/host/guests';
import { hostSizeOf } from '../../src/tmux/hostSize';
import { formatHostSize, HostSizeReader, parseHostSize } from '../../src/wire/hostSize';

const S = '\u001f';

test('list-clients output is parsed into typed clients', () => {
  const out = [
    ['/dev/pts/3', '1200', 'alice', '1000', '0', '120', '34', '1764300000', 'xterm-256color', 'broadcast', '1764300100'].join(S),
    ['/dev/pts/7', '1300', 'guest', '1001', '1', '80', '24', '1764300060', 'screen', 'broadcast', '1764300070'].join(S),
    'garbage line',
    '',
  ].join('\n');
  const clients = parseClientList(out);
  assert.equal(clients.length, 2);
  assert.deepEqual(clients[1], {
    name: '/dev/pts/7', pid: 1300, user: 'guest', uid: 1001, readOnly: true, cols: 80, rows: 24,
    since: new Date(1764300060 * 1000), termName: 'screen', session: 'broadcast', activity: 1764300070,
  });
  assert.equal(LIST_CLIENTS_FORMAT.split(S).length, 11);
});

test("the host's size is its read-write client's, the one used last when there are several", () => {
  const client = (readonly: string, cols: string, rows: string, activity: string) =>
    ['/dev/pts/1', '1', 'u', '1', readonly, cols, rows, '1', 'xterm', 'b', activity].join(S);
  const clients = parseClientList([client('1', '200', '60', '9'), client('0', '120', '35', '5'), client('0', '90', '30', '7')].join('\n'));
  assert.deepEqual(hostSizeOf(clients), { cols: 90, rows: 30 });
  assert.equal(hostSizeOf(clients.filter((c) => c.readOnly)), undefined, 'guests alone say nothing of the host');
});

test('host size lines: one per change, malformed or absurd ones ignored', () => {
  const seen: unknown[] = [];
  const reader = new HostSizeReader((size) => seen.push(size));
  reader.push(formatHostSize({ cols: 120, rows: 35 }) + '9');
  reader.push('0x30\nnonsense\n99999x1\n');
  assert.deepEqual(seen, [{ cols: 120, rows: 35 }, { cols: 90, rows: 30 }]);
  assert.equal(parseHostSize('1x1'), undefined);
});

test('only read-only clients are viewers', () => {
  const out = [
    ['/dev/pts/3', '1', 'alice', '1000', '0', '120', '34', '1', 'xterm', 'b', '1'].join(S),
    ['/dev/pts/4', '2', 'guest', '1001', '1', '80', '24', '2', 'xterm', 'b', '2'].join(S),
  ].join('\n');
  const viewers = guestsFromClients(parseClientList(out));
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
  // A quote cannot be escaped the same way in every shell the host may use, so it is replaced.
  assert.equal(cmd, `printf '\\r\\n%s\\r\\n' 'it"s over; rm -rf /  [31m'`);
});

test('hardening refuses session names that could inject tmux commands', () => {
  assert.throws(() => hardeningCommands("x' ; kill-server ; '"), /not allowed/);
  // The session lock (3 commands), then the passthrough guard.
  assert.deepEqual(hardeningCommands('broadcast').slice(3), passthroughOffCommands());
  assert.equal(hardeningCommands('broadcast').length, 3 + passthroughOffCommands().length);
});
