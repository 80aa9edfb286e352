// The system mode's chroot variant under attack: a chrooted guest tries every file route sshd
// knows (scp both protocols, sftp, exec, a forced-pty command, a subsystem) to read files of the
// host machine. Nothing arrives, nothing runs, and the host's pane is untouched.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Broadcast } from '../../src/host/broadcast';
import { Tmux } from '../../src/tmux/tmux';
import { opensshArgv, runClient } from '../helpers/embeddedFixture';
import { isRoot, PtyClient } from '../helpers/ptyClient';
import { RunningSshd, startSshd } from '../helpers/sshd';
import { capturePane, TEST_SHELL, typeLine } from '../helpers/tmuxFixture';

const skip = isRoot ? false : 'needs root';
const SESSION = 'chrooted';
// sshd refuses a chroot below a folder others can write (such as /tmp), so this one lives in /var/lib.
const chrootDir = isRoot ? mkdtempSync('/var/lib/gb-sec-chroot-') : '';
const socketPath = join(chrootDir, 'run', 'guest-broadcast', 'guest');
const downloads = isRoot ? mkdtempSync('/tmp/gb-sec-chroot-dl-') : '';
let sshd: RunningSshd;
let broadcast: Broadcast;
const clients: PtyClient[] = [];

before(async () => {
  if (!isRoot) return;
  sshd = await startSshd({ guestUser: 'guest', socketPath, sessionName: SESSION, chrootDir });
  broadcast = await Broadcast.start({ mode: 'system', socketPath, sessionName: SESSION, guestUser: 'guest', sshPort: sshd.port, command: TEST_SHELL, configFile: '/dev/null', pollIntervalMs: 200 });
  await typeLine(broadcast.tmux, SESSION, 'echo chroot-host-screen');
});

after(async () => {
  for (const c of clients) c.kill();
  await broadcast?.stop().catch(() => undefined);
  await sshd?.stop();
  await new Tmux(socketPath).killServer().catch(() => undefined);
  if (chrootDir) rmSync(chrootDir, { recursive: true, force: true });
  if (downloads) rmSync(downloads, { recursive: true, force: true });
});

test('system (chroot): a guest cannot read other files by scp, sftp, exec or a forced-pty command', { skip, timeout: 90_000 }, async () => {
  // No host client here, so guests size the window: compare the pane's text, not its height.
  const text = async (): Promise<string[]> => (await capturePane(broadcast.tmux, SESSION)).map((l) => l.trimEnd()).filter(Boolean);
  const pane = await text();
  const base = ['-F', '/dev/null', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'IdentityFile=none', '-o', 'BatchMode=yes', '-P', String(sshd.port)];
  let n = 0;
  for (const file of ['/etc/shadow', '/etc/passwd', '/root/.bash_history', join(sshd.configPath, '..', 'host_ed25519')]) {
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
    const exec = await runClient([...opensshArgv(sshd.port, 'guest', ['-o', 'IdentityFile=none', '-o', 'BatchMode=yes']), 'cat', file]);
    assert.notEqual(exec.code, 0);
    assert.ok(!/root:|ssh-ed25519|PRIVATE KEY/.test(exec.stdout + exec.stderr), exec.stdout);
  }
  // With a pty, ForceCommand still wins: the guest lands in the broadcast, not in `cat`.
  const argvForced = new PtyClient([...opensshArgv(sshd.port, 'guest', ['-o', 'IdentityFile=none', '-t']), 'cat', '/etc/passwd'], { cols: 80, rows: 24, env: { SSH_AUTH_SOCK: '' } });
  clients.push(argvForced);
  await argvForced.waitForText('chroot-host-screen');
  assert.ok(!(await argvForced.lines()).join('\n').includes('root:'));
  const sub = await runClient([...opensshArgv(sshd.port, 'guest', ['-o', 'IdentityFile=none', '-o', 'BatchMode=yes', '-s']), 'sftp']);
  assert.notEqual(sub.code, 0);
  assert.deepEqual(await text(), pane);
});
