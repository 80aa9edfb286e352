// Claiming a broadcast is a compare-and-set on real tmux: it succeeds only while the recorded
// owner is still the one the claimer read, so of two adopters the one that read a stale owner
// loses instead of both serving (and both able to end the host's work).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, test } from 'node:test';
import { claimOwnership, OWNER_PID_MARKER, OWNER_START_MARKER, releaseOwnership } from '../../src/host/owner';
import { createBroadcastSession } from '../../src/tmux/broadcastSession';
import { tempSocket, TEST_SHELL } from '../helpers/tmuxFixture';

const sock = tempSocket('gb-claim-');
after(() => sock.cleanup());

test('a claim wins only against the owner it read; release clears only its own claim', async () => {
  mkdirSync(dirname(sock.socketPath), { recursive: true, mode: 0o700 });
  // A gone owner, as a crash leaves it.
  await createBroadcastSession(sock.tmux, { sessionName: 'broadcast', command: TEST_SHELL, configFile: '/dev/null', markers: { [OWNER_PID_MARKER]: '999999', [OWNER_START_MARKER]: '1' } });
  // Another adopter got there first: the owner is no longer the one this claimer read.
  await sock.tmux.run(['set-option', '-g', `@${OWNER_PID_MARKER}`, '424242']);
  assert.equal(await claimOwnership(sock.tmux, '999999'), false);
  assert.equal(await sock.tmux.userOption(OWNER_PID_MARKER), '424242');
  // Releasing what is not ours changes nothing.
  await releaseOwnership(sock.tmux);
  assert.equal(await sock.tmux.userOption(OWNER_PID_MARKER), '424242');

  // Against the owner it read, the claim wins and records this process with its start time.
  assert.equal(await claimOwnership(sock.tmux, '424242'), true);
  assert.equal(await sock.tmux.userOption(OWNER_PID_MARKER), String(process.pid));
  assert.match((await sock.tmux.userOption(OWNER_START_MARKER)) ?? '', /^\d+$/);
  await releaseOwnership(sock.tmux);
  assert.equal(await sock.tmux.userOption(OWNER_PID_MARKER), undefined);
  // Nobody owns it now: a claim against "nobody" wins.
  assert.equal(await claimOwnership(sock.tmux, ''), true);
});
