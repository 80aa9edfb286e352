// What a freshly activated VS Code window adopts: the broadcast still running on the configured
// socket, described by the server itself; nothing when no socket exists; not an embedded
// broadcast whose guest server still answers (another window or the CLI serves it).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Broadcast } from '../../src/host/broadcast';
import { formatStatus } from '../../src/host/status';
import { readBroadcastReport, readBroadcastStatus } from '../../src/host/statusReader';
import { adoptableBroadcast } from '../../src/ui/adoptable';
import type { HostSettings } from '../../src/ui/settings';
import { hostOptions } from '../../src/host/options/parse';
import { startEmbedded } from '../helpers/embeddedFixture';
import { waitFor } from '../helpers/screen';
import { tempSocket, TEST_SHELL } from '../helpers/tmuxFixture';
import { SystemSshRoute } from '../../src/host/routes/systemSshRoute';

const sockets = [tempSocket('gb-adopt-'), tempSocket('gb-adopt-')];
after(async () => {
  for (const s of sockets) await s.cleanup();
});

function settings(socketPath: string): HostSettings {
  return { ...hostOptions({ mode: 'embedded', socketPath, sessionName: 'configured', guestUser: 'configured-guest' }), notifyOnJoin: true };
}

test('no socket file: nothing to adopt (and no tmux is run)', async () => {
  assert.deepEqual(await adoptableBroadcast(settings(`${sockets[0].dir}/nothing/here`)), { kind: 'none' });
});

test('a running system broadcast is adopted as the server describes it, whatever the settings say', async () => {
  const sock = sockets[1];
  const running = await Broadcast.start({ routes: [new SystemSshRoute({ guestUser: 'nobody' })], socketPath: sock.socketPath, sessionName: 'work', command: TEST_SHELL, configFile: '/dev/null' });
  running.detach();
  const found = await adoptableBroadcast(settings(sock.socketPath));
  assert.equal(found.kind, 'adopt');
  assert.ok(found.kind === 'adopt');
  assert.equal(found.settings.mode, 'system');
  assert.equal(found.settings.sessionName, 'work');
  assert.equal(found.settings.guestUser, 'nobody');
  assert.equal(found.settings.socketPath, sock.socketPath);
  // Adopting it really joins the same server.
  const pid = await sock.tmux.serverPid();
  const adopted = await Broadcast.start({ routes: [new SystemSshRoute({ guestUser: found.settings.guestUser })], socketPath: found.settings.socketPath, sessionName: found.settings.sessionName });
  assert.equal(adopted.startedNow, false);
  assert.equal(await sock.tmux.serverPid(), pid);
  await adopted.stop();
  assert.deepEqual(await adoptableBroadcast(settings(sock.socketPath)), { kind: 'none' });
});

test('an embedded broadcast is left alone while its guest server answers, adopted once it is gone', async () => {
  const embedded = await startEmbedded();
  try {
    const served = await adoptableBroadcast(settings(embedded.sock.socketPath));
    assert.deepEqual(served, { kind: 'servedElsewhere', socket: embedded.sock.socketPath, listen: `127.0.0.1:${embedded.port}` });
    // The window that served it closes (a reload): tmux stays, the guest server goes.
    embedded.broadcast.detach();
    // detach() closes the guest server without waiting for it: wait (bounded) until it is gone.
    const found = await waitFor('the broadcast to be adoptable', async () => {
      const answer = await adoptableBroadcast(settings(embedded.sock.socketPath));
      return answer.kind === 'adopt' ? answer : undefined;
    });
    assert.ok(found?.kind === 'adopt');
    assert.equal(found.settings.mode, 'embedded');
    assert.equal(found.settings.sessionName, 'broadcast');
    // Handed on, nobody serves its guests: status shows no address to connect to.
    const status = await readBroadcastStatus('embedded', embedded.sock.socketPath);
    assert.equal(status.broadcasting, true);
    assert.equal(status.listen, null);
    assert.match(formatStatus(status), /No SSH server serves it right now/);
    // Following the hint serves it on the port its guests used (read back from the markers).
    const report = await readBroadcastReport('embedded', embedded.sock.socketPath);
    assert.match(formatStatus(report.status, new Date(), report.recorded), new RegExp(`Serve it again with: guest-broadcast host --socket \\S+ --listen 127\\.0\\.0\\.1:${embedded.port} --state-dir ${embedded.stateDir},`));
  } finally {
    await embedded.cleanup();
  }
});
