// One running broadcast per mode behind one face, so a test can be written once and run against
// both doors: the embedded ssh2 server (startEmbedded) and the system mode's real sshd with the
// guest account's Match block (startSshd). Each fixture attaches the host's own read-write client
// at a known size, so "the host's window size is unchanged" has something to hold on to.
import { chmodSync } from 'node:fs';
import { Broadcast } from '../../src/host/broadcast';
import { Tmux } from '../../src/tmux/tmux';
import { EmbeddedFixture, EmbeddedFixtureOptions, startEmbedded } from './embeddedFixture';
import { broadcastOptions } from '../../src/host/options/broadcast';
import { hostOptions } from '../../src/host/options/parse';
import { PtyClient } from './ptyClient';
import { waitFor } from './screen';
import { RunningSshd, startSshd } from './sshd';
import { tempSocket, TEST_SHELL, windowSize } from './tmuxFixture';

export type BroadcastMode = 'embedded' | 'system';
export const MODES: BroadcastMode[] = ['embedded', 'system'];

export interface ModeFixture {
  mode: BroadcastMode;
  /** Where guests connect (the embedded server's port, or sshd's). */
  port: number;
  sessionName: string;
  socketPath: string;
  /** A temp folder of this fixture's own (removed by cleanup). */
  dir: string;
  tmux: Tmux;
  broadcast: Broadcast;
  /** "ssh-ed25519 AAAA..." the guests must see. */
  hostPublicKey: string;
  /** The host's own read-write client (its pty sets the window size). */
  host: PtyClient;
  /** The window size the host's client set. */
  hostSize: { cols: number; rows: number };
  embedded?: EmbeddedFixture;
  sshd?: RunningSshd;
  cleanup(): Promise<void>;
}

export interface ModeFixtureOptions {
  hostCols?: number;
  hostRows?: number;
  embedded?: EmbeddedFixtureOptions;
  /** The host's tmux config (default none: /dev/null). */
  configFile?: string;
}

/** Attaches the host's client; resolves with it and the window size it set (its rows less the status line). */
async function attachHost(broadcast: Broadcast, tmux: Tmux, sessionName: string, cols: number, rows: number): Promise<{ host: PtyClient; size: { cols: number; rows: number } }> {
  const host = new PtyClient(broadcast.hostAttachArgv, { cols, rows });
  const size = await waitFor('the host client to size the window', async () => {
    const now = await windowSize(tmux, sessionName);
    return now.cols === cols ? now : undefined;
  });
  return { host, size: size! };
}

export async function startMode(mode: BroadcastMode, options: ModeFixtureOptions = {}): Promise<ModeFixture> {
  const cols = options.hostCols ?? 100;
  const rows = options.hostRows ?? 30;
  if (mode === 'embedded') {
    const fx = await startEmbedded(options.embedded ?? {}, undefined, options.configFile);
    const { host, size } = await attachHost(fx.broadcast, fx.sock.tmux, 'broadcast', cols, rows);
    return {
      mode,
      port: fx.port,
      sessionName: 'broadcast',
      socketPath: fx.sock.socketPath,
      dir: fx.sock.dir,
      tmux: fx.sock.tmux,
      broadcast: fx.broadcast,
      hostPublicKey: fx.server.hostKey.publicKeyLine,
      host,
      hostSize: size,
      embedded: fx,
      async cleanup() {
        host.kill();
        await fx.cleanup();
      },
    };
  }
  const sock = tempSocket('gb-sys-');
  chmodSync(sock.dir, 0o711); // the guest must traverse the temp folder to reach the socket
  let sshd: RunningSshd | undefined;
  let broadcast: Broadcast | undefined;
  try {
    // An sftp subsystem as Debian's stock sshd_config has one: the guest's Match block must win
    // over it (without the line, sshd alone would refuse sftp and scp, and prove nothing).
    sshd = await startSshd({ guestUser: 'guest', socketPath: sock.socketPath, sessionName: 'broadcast', extraConfig: ['Subsystem sftp /usr/lib/openssh/sftp-server'] });
    const systemOptions = hostOptions({ mode: 'system', socketPath: sock.socketPath, guestUser: 'guest', sshPort: sshd.port, command: TEST_SHELL, tmuxConfig: options.configFile ?? '/dev/null' });
    broadcast = await Broadcast.start({ ...broadcastOptions(systemOptions), pollIntervalMs: 200 });
    const { host, size } = await attachHost(broadcast, sock.tmux, 'broadcast', cols, rows);
    const running = sshd;
    const made = broadcast;
    return {
      mode,
      port: running.port,
      sessionName: 'broadcast',
      socketPath: sock.socketPath,
      dir: sock.dir,
      tmux: sock.tmux,
      broadcast: made,
      hostPublicKey: running.hostPublicKey,
      host,
      hostSize: size,
      sshd: running,
      async cleanup() {
        host.kill();
        await made.stop().catch(() => undefined);
        await running.stop();
        await sock.cleanup();
      },
    };
  } catch (error) {
    await broadcast?.stop().catch(() => undefined);
    await sshd?.stop();
    await sock.cleanup();
    throw error;
  }
}
