// The chroot variant on real parts: the setup script populates a ChrootDirectory with /bin/sh,
// tmux, their libraries, a UTF-8 locale and terminfo; sshd locks the guest in there; the guest's
// tmux reaches the broadcast through the socket inside the chroot.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runDoctor } from '../../src/host/guestAccount/doctor';
import { useChrootBroadcast } from '../helpers/chrootBroadcast';
import { assertGuestSizeCapped } from '../helpers/guestSize';
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

test('a chrooted guest logs in with ssh and sees the host screen, read-only', { skip }, async () => {
  const guest = new PtyClient(['ssh', '-F', '/dev/null', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-p', String(fx.sshd.port), 'guest@127.0.0.1'], { cols: 90, rows: 25 });
  fx.clients.push(guest);
  await guest.waitForText('hello-from-chroot-host');
  guest.type('echo typed-in-chroot\r');
  await new Promise((r) => setTimeout(r, 300));
  const pane = await fx.broadcast.tmux.run(['capture-pane', '-p', '-t', fx.session]);
  assert.ok(!pane.includes('typed-in-chroot'), pane);
  await fx.broadcast.poll();
  assert.deepEqual(fx.broadcast.viewers.map((v) => v.user), ['guest']);

  // The size relay runs inside the chroot too (perl and a pty filesystem of the chroot's own).
  await assertGuestSizeCapped(fx.broadcast.tmux, fx.session, guest);

  const report = await runDoctor(fx.sshd.setup);
  assert.deepEqual(report.checks.filter((c) => c.status !== 'ok'), []);
  assert.match(report.checks.find((c) => c.id === 'size-relay')?.detail ?? '', /inside/);
  assert.match(report.checks.find((c) => c.id === 'sshd-options')?.detail ?? '', new RegExp(`chroot ${fx.chrootDir}`));

  await fx.broadcast.stop();
  await guest.waitForText('the broadcast has ended');
});
