// One broadcast served by two routes at once (the embedded SSH server and the machine's sshd), as
// it will be with SSH and browser guests together: the broadcast lists the union of the routes'
// guests (the embedded route's own read-only tmux client is no guest of the system route), kicks
// each through the route that serves it, and a stop says the farewell on both.
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Broadcast, ENDED_MESSAGE, KICKED_MESSAGE } from '../../src/host/broadcast';
import { EmbeddedSshRoute } from '../../src/host/routes/embeddedSshRoute';
import { SystemSshRoute } from '../../src/host/routes/systemSshRoute';
import { readBroadcastStatus } from '../../src/host/statusReader';
import { listClients } from '../../src/tmux/clients';
import { opensshClient } from '../helpers/embeddedFixture';
import { isRoot, PtyClient } from '../helpers/ptyClient';
import { waitFor } from '../helpers/screen';
import { RunningSshd, startSshd } from '../helpers/sshd';
import { tempSocket, TEST_SHELL, typeLine } from '../helpers/tmuxFixture';

const skip = isRoot ? false : 'needs root (the system route logs guests in as the guest account)';
const sock = tempSocket('gb-multi-');
const clients: PtyClient[] = [];
let sshd: RunningSshd | undefined;
let broadcast: Broadcast | undefined;

after(async () => {
  for (const c of clients) c.kill();
  await broadcast?.stop().catch(() => undefined);
  await sshd?.stop();
  await sock.cleanup();
});

function systemGuest(port: number): PtyClient {
  const argv = ['ssh', '-F', '/dev/null', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-p', String(port), 'guest@127.0.0.1'];
  const client = new PtyClient(argv, { cols: 90, rows: 26 });
  clients.push(client);
  return client;
}

test('embedded and system routes serve one broadcast: the union of guests, kick through the right route, one stop for both', { skip, timeout: 120_000 }, async () => {
  chmodSync(sock.dir, 0o711); // system guests open the socket themselves
  sshd = await startSshd({ guestUser: 'guest', socketPath: sock.socketPath, sessionName: 'broadcast' });
  const embedded = new EmbeddedSshRoute({ listen: '127.0.0.1:0', access: 'open', stateDir: join(sock.dir, 'state') });
  const system = new SystemSshRoute({ guestUser: 'guest', sshPort: sshd.port });
  broadcast = await Broadcast.start({ routes: [embedded, system], socketPath: sock.socketPath, sessionName: 'broadcast', command: TEST_SHELL, configFile: '/dev/null', pollIntervalMs: 200 });
  assert.deepEqual(broadcast.describeRoutes().map((r) => r.kind), ['embedded', 'system']);
  assert.ok(broadcast.lastFixup?.applied.some((s) => s.startsWith('server-access')), 'the system route let its guest account in');

  await typeLine(broadcast.tmux, 'broadcast', 'echo BOTH-ROUTES-MARKER');
  const viaEmbedded = opensshClient(embedded.server.port, { user: 'alice', cols: 80, rows: 24 });
  clients.push(viaEmbedded);
  const viaSystem = systemGuest(sshd.port);
  await viaEmbedded.waitForText('BOTH-ROUTES-MARKER', 30_000);
  await viaSystem.waitForText('BOTH-ROUTES-MARKER', 30_000);

  // Two guests, not three: the embedded route's size-group client is a read-only tmux client too.
  const both = await waitFor('both guests listed', () => (broadcast!.guests.length === 2 ? broadcast!.guests : undefined), 30_000);
  const readOnlyClients = (await listClients(broadcast.tmux)).filter((c) => c.readOnly);
  assert.equal(readOnlyClients.length, 2, 'one tmux client per route (the embedded size group, the sshd guest)');
  const alice = both!.find((g) => g.user === 'alice');
  const guest = both!.find((g) => g.user === 'guest');
  assert.ok(alice && guest, JSON.stringify(both));
  // Another process (status) reads the same union.
  await waitFor('status to list both', async () => (await readBroadcastStatus('embedded', sock.socketPath)).viewers.length === 2, 10_000);

  assert.equal(await broadcast.kick(guest!.name), true);
  await viaSystem.waitForText(KICKED_MESSAGE.trim().split('\n')[0], 15_000);
  await waitFor('one guest left', () => broadcast!.guests.length === 1 && broadcast!.guests[0].user === 'alice', 15_000);

  const again = systemGuest(sshd.port);
  await again.waitForText('BOTH-ROUTES-MARKER', 30_000);
  await waitFor('two guests again', () => broadcast!.guests.length === 2, 15_000);
  await broadcast.stop();
  await viaEmbedded.waitForText(ENDED_MESSAGE.trim().split('\n')[0], 15_000);
  await again.waitForText(ENDED_MESSAGE.trim().split('\n')[0], 15_000);
});
