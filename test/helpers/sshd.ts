// A real OpenSSH sshd for tests: its own temp folder, host key and config on a free loopback port,
// with the guest account set up by the real setup script (src/host/guestAccount) against that
// temp config, so the Match block under test is the one users get. Needs root (sshd, useradd).
// The wrapper lives in the temp folder too: tests running at the same time for the same guest
// user but different sockets never overwrite each other's forced command.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { applyGuestSetup, ApplyResult } from '../../src/host/guestAccount/applySetup';
import { GuestSetupOptions, resolveGuestSetupOptions } from '../../src/host/guestAccount/options';
import { waitFor } from './screen';

export interface SshdOptions {
  /** The guest account (created or updated idempotently). Default "guest". */
  guestUser?: string;
  /** The broadcast's socket as the host sees it (inside chrootDir when there is one). */
  socketPath: string;
  sessionName: string;
  /** A root-owned folder outside /tmp (sshd refuses chroots under world-writable folders). */
  chrootDir?: string;
  /** Extra global sshd_config lines (before the Match block). */
  extraConfig?: string[];
  /**
   * Start sshd in a session of its own, as a real one runs (the bench: it lowers its own session's
   * priority for its viewers, and the guests' sshd processes must not be lowered with them).
   */
  ownSession?: boolean;
}

export interface RunningSshd {
  port: number;
  /** "SHA256:..." as ssh-keygen -l prints it. */
  hostKeyFingerprint: string;
  /** "ssh-ed25519 AAAA..." (type and key, no comment). */
  hostPublicKey: string;
  configPath: string;
  /** The resolved setup options (wrapper path, guest socket path...). */
  setup: GuestSetupOptions;
  /** What the setup script printed. */
  setupOutput: string;
  /** sshd's own log so far (-e: it logs to stderr). */
  log(): string;
  /**
   * Stops sshd and starts it again on the same port, config and host key (a service restart).
   * dropSessions: also end the per-connection processes it started (as a restart of the whole
   * service does), so connected clients lose their sessions.
   */
  restart(options?: { dropSessions?: boolean }): Promise<void>;
  /** Stops sshd but keeps its folder, config and host key (restart() starts it again). */
  halt(): Promise<void>;
  stop(): Promise<void>;
}

import { freePort } from './freePort';
export { freePort };

/** Resolves true once something on the port speaks SSH (sends its "SSH-2.0-" banner). */
function speaksSsh(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let data = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\n')) done(data.startsWith('SSH-2.0-'));
    });
    socket.connect(port, '127.0.0.1');
  });
}

function baseConfig(dir: string, port: number, extra: string[]): string {
  return [
    '# sshd for a Guest Broadcast test: loopback only, its own host key.',
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_ed25519')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'UsePAM yes',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication no',
    'LogLevel VERBOSE',
    'PrintMotd no',
    'PrintLastLog no',
    ...extra,
    '',
  ].join('\n');
}

/** Applies the guest setup for `options` to `configPath` without reloading any sshd. */
export async function applyTestGuestSetup(configPath: string, wrapperPath: string, options: SshdOptions): Promise<{ setup: GuestSetupOptions; result: ApplyResult }> {
  const setup = resolveGuestSetupOptions({
    guestUser: options.guestUser ?? 'guest',
    socketPath: options.socketPath,
    sessionName: options.sessionName,
    sshdConfig: configPath,
    chrootDir: options.chrootDir,
    wrapperPath,
    hostUser: 'root',
    reload: false,
    // A chroot's pty mount is recorded here, not in the machine's /etc/fstab.
    fstabPath: join(dirname(configPath), 'fstab'),
  });
  return { setup, result: await applyGuestSetup(setup) };
}

export async function startSshd(options: SshdOptions): Promise<RunningSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'gb-sshd-'));
  // The guest runs the wrapper from here, so the folder must be traversable (it is root-owned).
  chmodSync(dir, 0o755);
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'guest-broadcast-test', '-f', join(dir, 'host_ed25519')]);
    const hostPublicKey = readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    const hostKeyFingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_ed25519.pub')], { encoding: 'utf8' }).split(/\s+/)[1];
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

    const configPath = join(dir, 'sshd_config');
    const wrapperPath = join(dir, 'watch');
    // The port goes into the config before the setup runs (sshd -t validates the whole file);
    // when another process takes the port first, sshd fails to bind and we try another one.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      writeFileSync(configPath, baseConfig(dir, port, options.extraConfig ?? []), { mode: 0o600 });
      const { setup, result } = await applyTestGuestSetup(configPath, wrapperPath, options);
      if (result.exitCode !== 0) throw new Error(`The guest setup script failed (exit ${result.exitCode}):\n${result.output}`);
      let started = await launch(configPath, port, options.ownSession === true);
      if (started.ok) {
        return {
          port,
          hostKeyFingerprint,
          hostPublicKey,
          configPath,
          setup,
          setupOutput: result.output,
          log: () => started.log(),
          restart: async (how = {}) => {
            if (how.dropSessions) started.killSessions();
            await started.stop();
            started = await launch(configPath, port, options.ownSession === true);
            if (!started.ok) throw new Error(`sshd did not start again on 127.0.0.1:${port}:\n${started.log()}`);
          },
          halt: () => started.stop(),
          stop: async () => {
            await started.stop();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      }
      if (attempt >= 3) throw new Error(`sshd did not start on 127.0.0.1:${port}:\n${started.log()}`);
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The PIDs whose parent is `pid` (from /proc; no external tools). */
function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

async function launch(configPath: string, port: number, ownSession: boolean): Promise<{ ok: boolean; log(): string; stop(): Promise<void>; killSessions(): void }> {
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'], detached: ownSession });
  let log = '';
  let exited = false;
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString('utf8');
  });
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  const stop = async (): Promise<void> => {
    if (!exited && child.pid) {
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exitedPromise, new Promise((r) => setTimeout(r, 3000))]);
    }
  };
  const ok = await waitFor('sshd to listen', async () => exited || (await speaksSsh(port)), 10_000, 50).then(
    () => !exited,
    () => false,
  );
  if (!ok) await stop();
  const killSessions = (): void => {
    for (const pid of child.pid ? childPids(child.pid) : []) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  return { ok, log: () => log, stop, killSessions };
}
