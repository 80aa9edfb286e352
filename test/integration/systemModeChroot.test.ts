// The chroot variant on real parts: the setup script populates a ChrootDirectory with /bin/sh,
// tmux, their libraries, a UTF-8 locale and terminfo; sshd locks the guest in there; the guest's
// tmux reaches the broadcast through the socket inside the chroot.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runDoctor } from '../../src/host/guestAccount/doctor';
import { kickClient, listClients } from '../../src/tmux/clients';
import { hostAttachArgv } from '../../src/tmux/attach';
import { waitFor } from '../helpers/wait';
import { useChrootBroadcast } from '../helpers/chrootBroadcast';
import { assertGuestSizeCapped } from '../helpers/guestSize';
import { hostCanary } from '../helpers/hostCanary';
import { isRoot, PtyClient } from '../helpers/ptyClient';

const skip = isRoot ? false : 'needs root';
const fx = useChrootBroadcast('gb-test-chroot-', 'hello-from-chroot-host');

test('the chroot holds what tmux needs and nothing of the real password files', { skip }, () => {
  for (const path of ['/bin/sh', fx.sshd.setup.tmuxPath, '/usr/lib/locale/C.utf8', '/lib/terminfo/x/xterm-256color', '/dev/null', fx.sshd.setup.wrapperPath]) {
    assert.ok(existsSync(join(fx.chrootDir, path)), `${path} is missing in the chroot`);
  }
  assert.ok(!existsSync(join(fx.chrootDir, 'etc/shadow')));
  assert.match(fx.sshd.setupOutput, /populated the chroot/);
});

test("a chrooted guest's tmux client is never named like the host's, so kicking it leaves the host attached", { skip }, async () => {
  // The chroot's ptys are numbered from 0 like the host's: had they been at dev/pts, tmux would
  // have named the guest's client /dev/pts/N too, and a kick by name could detach the host.
  const hostClients = [0, 1, 2].map(() => new PtyClient(hostAttachArgv({ socketPath: fx.socketPath, sessionName: fx.session }), { cols: 100, rows: 30 }));
  fx.clients.push(...hostClients);
  const guest = new PtyClient(['ssh', '-F', '/dev/null', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-p', String(fx.sshd.port), 'guest@127.0.0.1'], { cols: 90, rows: 25 });
  fx.clients.push(guest);
  await guest.waitForText('hello-from-chroot-host');
  const clients = await waitFor('three host clients and the guest', async () => {
    const all = await listClients(fx.broadcast.tmux);
    return all.length === 4 ? all : undefined;
  }) ?? [];
  const names = clients.map((c) => c.name);
  assert.equal(new Set(names).size, names.length, names.join(', '));
  const guestClient = clients.find((c) => c.readOnly);
  assert.ok(guestClient && !guestClient.name.startsWith('/dev/pts/'), guestClient?.name);

  await kickClient(fx.broadcast.tmux, guestClient.name, 'kicked');
  await guest.waitForText('kicked');
  await waitFor('only the host clients left', async () => (await listClients(fx.broadcast.tmux)).every((c) => !c.readOnly));
  assert.equal((await listClients(fx.broadcast.tmux)).length, 3);
  for (const c of hostClients) c.kill();
  await waitFor('the host clients gone', async () => (await listClients(fx.broadcast.tmux)).length === 0);
});

test('a chrooted guest logs in with ssh and sees the host screen, read-only', { skip }, async () => {
  const guest = new PtyClient(['ssh', '-F', '/dev/null', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-p', String(fx.sshd.port), 'guest@127.0.0.1'], { cols: 90, rows: 25 });
  fx.clients.push(guest);
  await guest.waitForText('hello-from-chroot-host');
  guest.type('echo typed-in-chroot\r');
  await new Promise((r) => setTimeout(r, 300));
  const pane = await fx.broadcast.tmux.run(['capture-pane', '-p', '-t', fx.session]);
  assert.ok(!pane.includes('typed-in-chroot'), pane);
  // The host's next line runs alone, the guest sees it, and the guest's line still never arrived.
  await guest.waitForText(await hostCanary(fx.broadcast.tmux, fx.session));
  const paneAfter = await fx.broadcast.tmux.run(['capture-pane', '-p', '-t', fx.session]);
  assert.ok(!paneAfter.includes('typed-in-chroot'), paneAfter);
  await fx.broadcast.poll();
  assert.deepEqual(fx.broadcast.guests.map((v) => v.user), ['guest']);

  // The size relay runs inside the chroot too (perl and a pty filesystem of the chroot's own).
  await assertGuestSizeCapped(fx.broadcast.tmux, fx.session, guest);

  const report = await runDoctor(fx.sshd.setup);
  assert.deepEqual(report.checks.filter((c) => c.status !== 'ok'), []);
  assert.match(report.checks.find((c) => c.id === 'size-relay')?.detail ?? '', /inside/);
  assert.match(report.checks.find((c) => c.id === 'sshd-options')?.detail ?? '', new RegExp(`chroot ${fx.chrootDir}`));

  await fx.broadcast.stop();
  await guest.waitForText('the broadcast has ended');
});
