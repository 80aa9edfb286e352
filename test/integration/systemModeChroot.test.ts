// The chroot variant on real parts: the setup script populates a ChrootDirectory with /bin/sh,
// tmux, their libraries, a UTF-8 locale and terminfo; sshd locks the guest in there; the guest's
// tmux reaches the broadcast through the socket inside the chroot.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Broadcast } from '../../src/host/broadcast';
import { runDoctor } from '../../src/host/guestAccount/doctor';
import { Tmux } from '../../src/tmux/tmux';
import { isRoot, PtyClient } from '../helpers/ptyClient';
import { RunningSshd, startSshd } from '../helpers/sshd';
import { TEST_SHELL, typeLine } from '../helpers/tmuxFixture';

const skip = isRoot ? false : 'needs root';
const SESSION = 'chrooted';
// sshd refuses a chroot below a folder others can write (such as /tmp), so this one lives in /var/lib.
const chrootDir = isRoot ? mkdtempSync('/var/lib/gb-test-chroot-') : '';
const socketPath = join(chrootDir, 'run', 'guest-broadcast', 'guest');
let sshd: RunningSshd;
let broadcast: Broadcast;
const clients: PtyClient[] = [];

before(async () => {
  if (!isRoot) return;
  sshd = await startSshd({ guestUser: 'guest', socketPath, sessionName: SESSION, chrootDir });
  broadcast = await Broadcast.start({ mode: 'system', socketPath, sessionName: SESSION, guestUser: 'guest', sshPort: sshd.port, command: TEST_SHELL, configFile: '/dev/null', pollIntervalMs: 200 });
  await typeLine(broadcast.tmux, SESSION, 'echo hello-from-chroot-host');
});

after(async () => {
  for (const c of clients) c.kill();
  await broadcast?.stop().catch(() => undefined);
  await sshd?.stop();
  await new Tmux(socketPath).killServer().catch(() => undefined);
  if (chrootDir) rmSync(chrootDir, { recursive: true, force: true });
});

test('the chroot holds what tmux needs and nothing of the real password files', { skip }, () => {
  for (const path of ['/bin/sh', sshd.setup.tmuxPath, '/usr/lib/locale/C.utf8', '/lib/terminfo/x/xterm-256color', '/dev/null', sshd.setup.wrapperPath]) {
    assert.ok(existsSync(join(chrootDir, path)), `${path} is missing in the chroot`);
  }
  assert.ok(!existsSync(join(chrootDir, 'etc/shadow')));
  assert.match(sshd.setupOutput, /populated the chroot/);
});

test('a chrooted guest logs in with ssh and sees the host screen, read-only', { skip }, async () => {
  const guest = new PtyClient(['ssh', '-F', '/dev/null', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-p', String(sshd.port), 'guest@127.0.0.1'], { cols: 90, rows: 25 });
  clients.push(guest);
  await guest.waitForText('hello-from-chroot-host');
  guest.type('echo typed-in-chroot\r');
  await new Promise((r) => setTimeout(r, 300));
  const pane = await broadcast.tmux.run(['capture-pane', '-p', '-t', SESSION]);
  assert.ok(!pane.includes('typed-in-chroot'), pane);
  await broadcast.poll();
  assert.deepEqual(broadcast.viewers.map((v) => v.user), ['guest']);

  const report = await runDoctor(sshd.setup);
  assert.deepEqual(report.checks.filter((c) => c.status !== 'ok'), []);
  assert.match(report.checks.find((c) => c.id === 'sshd-options')?.detail ?? '', new RegExp(`chroot ${chrootDir}`));

  await broadcast.stop();
  await guest.waitForText('the broadcast has ended');
});
