// A clean stop takes back the socket folders the start made, as a failed start does: only those,
// and only while empty. A folder that existed before, or that holds something else now, stays.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Broadcast } from '../../src/host/broadcast';
import { tempSocket, TEST_SHELL } from '../helpers/tmuxFixture';
import { SystemSshRoute } from '../../src/host/routes/systemSshRoute';

const sock = tempSocket('gb-stopdirs-');
after(() => sock.cleanup());

function start(socketPath: string): Promise<Broadcast> {
  return Broadcast.start({ routes: [new SystemSshRoute({ guestUser: 'nobody' })], socketPath, sessionName: 'broadcast', command: TEST_SHELL, configFile: '/dev/null' });
}

test('a clean stop removes the socket folders the start made', async () => {
  const broadcast = await start(join(sock.dir, 'no', 'such', 'dir', 'guest'));
  assert.ok(existsSync(join(sock.dir, 'no', 'such', 'dir')));
  await broadcast.stop();
  assert.equal(existsSync(join(sock.dir, 'no')), false, 'the folders host made are left behind');
  assert.ok(existsSync(sock.dir), 'a folder that existed before was removed');
});

test('a clean stop keeps a folder that existed before, and one that holds something else now', async () => {
  const before = join(sock.dir, 'before');
  mkdirSync(before);
  const broadcast = await start(join(before, 'made', 'used', 'guest'));
  writeFileSync(join(before, 'made', 'notes.txt'), 'mine\n');
  await broadcast.stop();
  assert.equal(existsSync(join(before, 'made', 'used')), false, 'the empty folder the start made stays');
  assert.ok(existsSync(join(before, 'made', 'notes.txt')), 'a folder with something else in it was removed');
  assert.ok(existsSync(before));
});
