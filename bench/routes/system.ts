// The system route, the baseline: OpenSSH's sshd on a loopback port with the guest account set up
// by the project's own setup script (test/helpers/sshd.ts), guests forced into `tmux attach -r`.
// One sshd serves every run of the bench; each run starts a fresh broadcast on the same socket.
import { chmodSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HostHandle } from '../host/hostHandle';
import { RunningSshd, startSshd } from '../../test/helpers/sshd';
import { HOST_SIZE } from '../options';
import { openRun, RouteUnderTest, RouteRun, SESSION } from './route';

/**
 * The guest account the bench logs in as. Its own name, not "guest": the setup script empties the
 * account's password, and a bench must never change an account a user set up for real broadcasts.
 * The script creates it on first use and leaves it (idempotent; other runs may be using it).
 */
export const BENCH_GUEST = 'gbbench';
const BENCH_GUEST_NOTE = `system route: the Unix account ${BENCH_GUEST} (empty password, only usable through the bench's own sshd, which is gone now) stays for later runs; remove it with: userdel ${BENCH_GUEST}`;

export function systemRouteUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'skipped: needs root (it creates the guest account and runs sshd); run the bench as root for the OpenSSH baseline';
  try {
    readFileSync('/usr/sbin/sshd');
  } catch {
    return 'skipped: /usr/sbin/sshd not found (apt-get install openssh-server)';
  }
  return undefined;
}

/** The listening sshd's pid: from its PidFile, else the process started with our config file. */
function sshdPid(sshd: RunningSshd): number | undefined {
  try {
    const pid = Number(readFileSync(join(dirname(sshd.configPath), 'sshd.pid'), 'utf8').trim());
    if (pid > 0) return pid;
  } catch {
    // sshd -D may not write it
  }
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (cmd.includes(sshd.configPath) && cmd.includes('-D')) return Number(name);
    } catch {
      // gone
    }
  }
  return undefined;
}

export class SystemRouteUnderTest implements RouteUnderTest {
  readonly name = 'system' as const;
  // One sshd, whose forced command reaches one socket: one broadcast at a time.
  readonly concurrentRuns = false;
  private sshd: RunningSshd | undefined;
  private pid: number | undefined;
  private closed = false;
  private readonly socketPath: string;

  constructor(private readonly workDir: string) {
    // The guest must traverse every folder above the socket (0711: search without listing).
    const dir = join(workDir, 'system');
    mkdirSync(dir, { recursive: true });
    chmodSync(workDir, 0o711);
    chmodSync(dir, 0o711);
    this.socketPath = join(dir, 'sock', 'guest');
  }

  async start(): Promise<RouteRun> {
    if (this.closed) throw new Error('the system route was closed (the bench is stopping)');
    if (!this.sshd) {
      const sshd = await startSshd({ guestUser: BENCH_GUEST, socketPath: this.socketPath, sessionName: SESSION, ownSession: true });
      if (this.closed) {
        // Closed while sshd was starting (Ctrl-C): do not leave it behind.
        await sshd.stop();
        throw new Error('the system route was closed (the bench is stopping)');
      }
      this.sshd = sshd;
      this.pid = sshdPid(this.sshd);
      if (!this.pid) throw new Error('could not find the pid of the sshd the bench started');
    }
    const host = await HostHandle.start({
      route: 'system',
      mode: 'system',
      socketPath: this.socketPath,
      sessionName: SESSION,
      guestUser: BENCH_GUEST,
      sshPort: this.sshd.port,
      cwd: join(this.workDir, 'system'),
      cols: HOST_SIZE.cols,
      rows: HOST_SIZE.rows,
    });
    const pid = this.pid as number;
    // Empty password through the "none" method, as `ssh guest@host` logs in.
    return openRun('system', host, { kind: 'ssh', host: '127.0.0.1', port: this.sshd.port, username: BENCH_GUEST }, () => [pid]);
  }

  async close(): Promise<string | undefined> {
    this.closed = true;
    if (!this.sshd) return undefined;
    await this.sshd.stop();
    this.sshd = undefined;
    return BENCH_GUEST_NOTE;
  }
}
