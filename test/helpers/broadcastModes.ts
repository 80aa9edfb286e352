// One running broadcast per mode behind one face, so a test can be written once and run against
// both doors: the production routes (src/host/routes) for the embedded ssh2 server and for the
// system mode's real sshd with the guest account's Match block (startSshd). Each mode differs only
// in the route it hands to the one Broadcast.start() below, and in the sshd a system route needs. Each fixture attaches the host's own read-write client
// at a known size, so "the host's window size is unchanged" has something to hold on to.
import { chmodSync } from 'node:fs';
import { Broadcast } from '../../src/host/broadcast';
import { Tmux } from '../../src/tmux/tmux';
import type { EmbeddedFixtureOptions } from './embeddedFixture';
import { sshRoute } from '../../src/host/options/broadcast';
import { hostOptions } from '../../src/host/options/parse';
import { PtyClient } from './ptyClient';
import { waitFor } from './screen';
import { RunningSshd, startSshd } from './sshd';
import { tempSocket, TEST_SHELL, windowSize } from './tmuxFixture';
import { SystemSshRoute } from '../../src/host/routes/systemSshRoute';
import { join } from 'node:path';
import type { BroadcastMode } from '../../src/host/paths';
import { EmbeddedSshRoute } from '../../src/host/routes/embeddedSshRoute';
import type { Route } from '../../src/host/routes/route';
import type { EmbeddedGuestServer } from '../../src/host/embedded/server';

export type { BroadcastMode };
/** The SSH routes a test runs against, by the mode name the CLI and settings use. */
export const MODES: readonly BroadcastMode[] = ['embedded', 'system'];

export interface ModeFixture {
  mode: BroadcastMode;
  /** The production route serving the guests. */
  route: Route;
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
  /** Embedded mode: the ssh2 server and its state folder (host key). */
  embedded?: { server: EmbeddedGuestServer; stateDir: string };
  sshd?: RunningSshd;
  cleanup(): Promise<void>;
}

export interface ModeFixtureOptions {
  hostCols?: number;
  hostRows?: number;
  embedded?: EmbeddedFixtureOptions;
  /** The host's tmux config (default none: /dev/null). */
  configFile?: string;
  /** Routes served beside the mode's SSH route (the browser route). */
  moreRoutes?: Route[];
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

/** The production route for `mode`, made by the host options model as the CLI makes it, with what it needs around it (sshd for the system route). */
async function routeFor(mode: BroadcastMode, dir: string, socketPath: string, options: ModeFixtureOptions): Promise<{ route: Route; sshd?: RunningSshd; stateDir?: string }> {
  const stateDir = join(dir, 'state');
  const { names = {}, appRoot, onJoin, onLeave, onWarning, maxAuthAttempts, ...given } = options.embedded ?? {};
  const hooks = { names, defaultStateDir: stateDir, appRoot, onJoin, onLeave, onWarning, maxAuthAttempts };
  if (mode === 'embedded') return { route: sshRoute(hostOptions({ listen: '127.0.0.1:0', stateDir, ...given, mode }), hooks), stateDir };
  // An sftp subsystem as Debian's stock sshd_config has one: the guest's Match block must win
  // over it (without the line, sshd alone would refuse sftp and scp, and prove nothing).
  const sshd = await startSshd({ guestUser: 'guest', socketPath, sessionName: 'broadcast', extraConfig: ['Subsystem sftp /usr/lib/openssh/sftp-server'] });
  return { route: sshRoute(hostOptions({ mode, guestUser: 'guest', sshPort: sshd.port }), hooks), sshd };
}

export async function startMode(mode: BroadcastMode, options: ModeFixtureOptions = {}): Promise<ModeFixture> {
  const cols = options.hostCols ?? 100;
  const rows = options.hostRows ?? 30;
  const sock = tempSocket(mode === 'embedded' ? 'gb-emb-' : 'gb-sys-');
  let sshd: RunningSshd | undefined;
  let broadcast: Broadcast | undefined;
  try {
    const made = await routeFor(mode, sock.dir, sock.socketPath, options);
    sshd = made.sshd;
    const { route } = made;
    // Guests whose own processes open the socket must traverse the temp folder to reach it.
    if (route.guestsOpenSocket) chmodSync(sock.dir, 0o711);
    broadcast = await Broadcast.start({
      routes: [route, ...(options.moreRoutes ?? [])],
      socketPath: sock.socketPath,
      sessionName: 'broadcast',
      command: TEST_SHELL,
      configFile: options.configFile ?? '/dev/null',
      pollIntervalMs: 200,
    });
    const { host, size } = await attachHost(broadcast, sock.tmux, 'broadcast', cols, rows);
    const running = broadcast;
    const server = route instanceof EmbeddedSshRoute ? route.server : undefined;
    const port = server ? server.port : sshd!.port;
    const ownSshd = sshd;
    return {
      mode,
      route,
      port,
      sessionName: 'broadcast',
      socketPath: sock.socketPath,
      dir: sock.dir,
      tmux: sock.tmux,
      broadcast: running,
      hostPublicKey: server ? server.hostKey.publicKeyLine : ownSshd!.hostPublicKey,
      host,
      hostSize: size,
      embedded: server && made.stateDir ? { server, stateDir: made.stateDir } : undefined,
      sshd: ownSshd,
      async cleanup() {
        host.kill();
        await running.stop().catch(() => undefined);
        await ownSshd?.stop();
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
