// The system mode's chroot variant under attack: a chrooted guest tries every file route sshd
// knows (scp both protocols, sftp, exec, a forced-pty command, a subsystem) to read files of the
// host machine. Nothing arrives, nothing runs, and the host's pane is untouched.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { opensshArgv, runClient } from '../helpers/embeddedFixture';
import { useChrootBroadcast } from '../helpers/chrootBroadcast';
import { isRoot, PtyClient } from '../helpers/ptyClient';
import { capturePane, typeLine } from '../helpers/tmuxFixture';
import { waitFor } from '../helpers/screen';

const skip = isRoot ? false : 'needs root';
const fx = useChrootBroadcast('gb-sec-chroot-', 'chroot-host-screen');
const downloads = isRoot ? mkdtempSync('/tmp/gb-sec-chroot-dl-') : '';
after(() => {
  if (downloads) rmSync(downloads, { recursive: true, force: true });
});

test('system (chroot): a guest cannot read other files by scp, sftp, exec or a forced-pty command', { skip, timeout: 90_000 }, async () => {
  // No host client here, so guests size the window: compare the pane's text, not its height.
  const text = async (): Promise<string[]> => (await capturePane(fx.broadcast.tmux, fx.session)).map((l) => l.trimEnd()).filter(Boolean);
  const pane = await text();
  const base = ['-F', '/dev/null', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'IdentityFile=none', '-o', 'BatchMode=yes', '-P', String(fx.sshd.port)];
  let n = 0;
  for (const file of ['/etc/shadow', '/etc/passwd', '/root/.bash_history', join(fx.sshd.configPath, '..', 'host_ed25519')]) {
    for (const protocol of [[], ['-O']]) {
      const target = join(downloads, `scp-${++n}`);
      const r = await runClient(['scp', ...base, ...protocol, `guest@127.0.0.1:${file}`, target]);
      assert.notEqual(r.code, 0, `scp ${protocol.join(' ')} ${file} succeeded`);
      assert.ok(!existsSync(target), `${file} arrived through scp`);
    }
    const target = join(downloads, `sftp-${++n}`);
    const sftp = await runClient(['sftp', ...base, 'guest@127.0.0.1'], { input: `get ${file} ${target}\n` });
    assert.notEqual(sftp.code, 0);
    assert.ok(!existsSync(target), `${file} arrived through sftp`);
    const exec = await runClient([...opensshArgv(fx.sshd.port, 'guest', ['-o', 'IdentityFile=none', '-o', 'BatchMode=yes']), 'cat', file]);
    assert.notEqual(exec.code, 0);
    assert.ok(!/root:|ssh-ed25519|PRIVATE KEY/.test(exec.stdout + exec.stderr), exec.stdout);
  }
  // With a pty, ForceCommand still wins: the guest lands in the broadcast, not in `cat`.
  const argvForced = new PtyClient([...opensshArgv(fx.sshd.port, 'guest', ['-o', 'IdentityFile=none', '-t']), 'cat', '/etc/passwd'], { cols: 80, rows: 24, env: { SSH_AUTH_SOCK: '' } });
  fx.clients.push(argvForced);
  await argvForced.waitForText('chroot-host-screen');
  assert.ok(!(await argvForced.lines()).join('\n').includes('root:'));
  const sub = await runClient([...opensshArgv(fx.sshd.port, 'guest', ['-o', 'IdentityFile=none', '-o', 'BatchMode=yes', '-s']), 'sftp']);
  assert.notEqual(sub.code, 0);
  assert.deepEqual(await text(), pane);
});

test('curtain (system, chroot): the chrooted guest sees the curtain, not what is typed during the pause; resume shows the session again', { skip, timeout: 90_000 }, async () => {
  const guest = new PtyClient(opensshArgv(fx.sshd.port, 'guest', ['-o', 'IdentityFile=none', '-t']), { cols: 90, rows: 26, env: { SSH_AUTH_SOCK: '' } });
  fx.clients.push(guest);
  await guest.waitForText('chroot-host-screen');
  // The curtain program runs inside the chroot, as the guest: it finds the socket there (a tail of the host's path).
  await fx.broadcast.pause('Curtain inside the chroot');
  await guest.waitForText('Curtain inside the chroot', 30_000);
  await typeLine(fx.broadcast.tmux, fx.session, 'echo CHROOT-SECRET-$((3*3))');
  await waitFor('the host pane to show it', async () => (await capturePane(fx.broadcast.tmux, fx.session)).join('\n').includes('CHROOT-SECRET-9'));
  await new Promise((r) => setTimeout(r, 600)); // a few of the curtain program's polls
  await typeLine(fx.broadcast.tmux, fx.session, 'clear');
  assert.equal(await fx.broadcast.resume(), 0, 'the chrooted client was unlocked');
  await typeLine(fx.broadcast.tmux, fx.session, 'echo chroot-after-$((2+2))');
  await guest.waitForText('chroot-after-4', 30_000);
  assert.ok(!guest.output.includes('CHROOT-SECRET'), 'the chrooted guest received bytes of what was typed during the pause');
});
