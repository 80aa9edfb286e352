// A system-mode broadcast whose guest account is chrooted, behind a real sshd: the fixture the
// chroot tests share. It registers its own before/after hooks on the calling test file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { Broadcast } from '../../src/host/broadcast';
import { CHROOT_PTS_DIR } from '../../src/host/guestAccount/setupScript';
import { isMounted } from '../../src/host/guestAccount/systemFacts';
import { Tmux } from '../../src/tmux/tmux';
import { isRoot, PtyClient } from './ptyClient';
import { RunningSshd, startSshd } from './sshd';
import { TEST_SHELL, typeLine } from './tmuxFixture';
import { SystemSshRoute } from '../../src/host/routes/systemSshRoute';

export interface ChrootBroadcast {
  session: string;
  chrootDir: string;
  socketPath: string;
  sshd: RunningSshd;
  broadcast: Broadcast;
  /** Clients the test started; killed after the file's tests. */
  clients: PtyClient[];
}

/** Removes a test chroot, unmounting the pty filesystem the setup mounted in it first. */
export function removeChroot(dir: string): void {
  const pts = join(dir, 'dev', CHROOT_PTS_DIR);
  if (isMounted(pts)) execFileSync('umount', ['--lazy', pts]);
  rmSync(dir, { recursive: true, force: true });
}

/** Needs root (a guest account, sshd); without it nothing starts and the tests should skip. */
export function useChrootBroadcast(prefix: string, hostLine: string): ChrootBroadcast {
  // sshd refuses a chroot below a folder others can write (such as /tmp), so this one lives in /var/lib.
  const chrootDir = isRoot ? mkdtempSync(`/var/lib/${prefix}`) : '';
  const fx = { session: 'chrooted', chrootDir, socketPath: join(chrootDir, 'run', 'guest-broadcast', 'guest'), clients: [] } as unknown as ChrootBroadcast;

  before(async () => {
    if (!isRoot) return;
    fx.sshd = await startSshd({ guestUser: 'guest', socketPath: fx.socketPath, sessionName: fx.session, chrootDir });
    fx.broadcast = await Broadcast.start({
      routes: [new SystemSshRoute({ guestUser: 'guest', sshPort: fx.sshd.port })], socketPath: fx.socketPath, sessionName: fx.session, command: TEST_SHELL, configFile: '/dev/null', pollIntervalMs: 200,
    });
    await typeLine(fx.broadcast.tmux, fx.session, `echo ${hostLine}`);
  });

  after(async () => {
    for (const c of fx.clients) c.kill();
    await fx.broadcast?.stop().catch(() => undefined);
    await fx.sshd?.stop();
    await new Tmux(fx.socketPath).killServer().catch(() => undefined);
    if (chrootDir) removeChroot(chrootDir);
  });
  return fx;
}
