// Stopping a broadcast this process does not run (`guest-broadcast stop`, and VS Code's Stop for a
// broadcast another window or the CLI runs) is one rule, src/host/stopOtherBroadcast.ts: it stops a
// broadcast found by its markers, never a tmux server that is not a broadcast, and says what it
// stopped.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, test } from 'node:test';
import { Broadcast } from '../../src/host/broadcast';
import { stopOtherBroadcast } from '../../src/host/stopOtherBroadcast';
import { tempSocket, TEST_SHELL } from '../helpers/tmuxFixture';
import { SystemSshRoute } from '../../src/host/routes/systemSshRoute';

const sockets = [tempSocket('gb-stopother-'), tempSocket('gb-stopother-')];
after(async () => {
  for (const s of sockets) await s.cleanup();
});

test('no socket there, or a tmux server that is not a broadcast: nothing is stopped', async () => {
  assert.equal(await stopOtherBroadcast('system', `${sockets[0].dir}/nothing/here`, 'test'), undefined);
  const plain = sockets[0];
  mkdirSync(`${plain.dir}/sock`, { recursive: true });
  await plain.tmux.run(['-f', '/dev/null', 'new-session', '-d', '-s', 'mine', 'sleep 600']);
  const pid = await plain.tmux.serverPid();
  assert.equal(await stopOtherBroadcast('system', plain.socketPath, 'test'), undefined);
  assert.equal(await plain.tmux.serverPid(), pid, 'a tmux server that is not a broadcast keeps running');
});

test('a running broadcast is stopped: its tmux server ends and its session and socket are reported', async () => {
  const sock = sockets[1];
  const running = await Broadcast.start({ routes: [new SystemSshRoute({ guestUser: 'nobody' })], socketPath: sock.socketPath, sessionName: 'work', command: TEST_SHELL, configFile: '/dev/null' });
  // This process lets go of it, as a CLI host that was killed or a closed window would.
  running.detach();
  assert.deepEqual(await stopOtherBroadcast('embedded', sock.socketPath, 'test'), { session: 'work', socket: sock.socketPath });
  assert.equal(await sock.tmux.serverPid().catch(() => undefined), undefined, 'the broadcast tmux server is gone');
  assert.equal(await stopOtherBroadcast('system', sock.socketPath, 'test'), undefined, 'stopping again finds nothing');
});
