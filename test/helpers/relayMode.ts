// A broadcast watched only through a relay, behind the face of broadcastModes.ts's ModeFixture,
// so the security catalogue runs its cases against a relay as it does against the host's own
// routes: nats-server (JetStream), a host whose one route is the relay route, and a relay (the real
// `relay` code, in this process) on loopback, guests connecting to the relay's port.
//
// The host names its broadcast "guest" (--relay-id guest): the catalogue's clients log in as
// "guest", and on a relay the user name picks the broadcast, so every case reaches this broadcast
// as it reaches the guest account elsewhere. (A named id is guessable, which is no matter here.)
import { join } from 'node:path';
import { Broadcast } from '../../src/host/broadcast';
import { loadOrCreateHostKeyFile } from '../../src/host/embedded/hostKey';
import { RelayRoute } from '../../src/host/relay/relayRoute';
import { RunningRelay, startRelay } from '../../src/relay/startRelay';
import type { ModeFixture } from './broadcastModes';
import { startNatsServer } from './natsServer';
import { PtyClient } from './ptyClient';
import { waitFor } from './screen';
import { tempSocket, TEST_SHELL, windowSize } from './tmuxFixture';

export const RELAY_MODE_ID = 'guest';

export interface RelayModeFixture extends ModeFixture {
  relay: { running: RunningRelay; route: RelayRoute; id: string };
}

export interface RelayModeOptions {
  hostCols?: number;
  hostRows?: number;
  /** Bounds of the relay (the catalogue's many connections from 127.0.0.1 need room). */
  maxGuests?: number;
  maxPerAddress?: number;
  /** Browser guests on the relay too (`relay --web`): the page's assets folder. */
  web?: { assetDir?: string; headersTimeoutMs?: number; requestTimeoutMs?: number };
  /** The broadcast's id (default "guest", the catalogue's user name). */
  id?: string;
  /** The relay's login time (SSH handshake, a page saying its size). */
  handshakeTimeoutMs?: number;
}

export async function startRelayMode(options: RelayModeOptions = {}): Promise<RelayModeFixture> {
  const cols = options.hostCols ?? 100;
  const rows = options.hostRows ?? 30;
  const nats = await startNatsServer();
  const sock = tempSocket('gb-relaymode-');
  let broadcast: Broadcast | undefined;
  let running: RunningRelay | undefined;
  try {
    const id = options.id ?? RELAY_MODE_ID;
    const route = new RelayRoute({ urls: [nats.url], id, stateDir: join(sock.dir, 'state') });
    broadcast = await Broadcast.start({ routes: [route], socketPath: sock.socketPath, sessionName: 'broadcast', command: TEST_SHELL, configFile: '/dev/null', pollIntervalMs: 200 });
    const host = new PtyClient(broadcast.hostAttachArgv, { cols, rows });
    const size = await waitFor('the host client to size the window', async () => {
      const now = await windowSize(sock.tmux, 'broadcast');
      return now.cols === cols ? now : undefined;
    });
    const keyPath = join(sock.dir, 'relay', 'ssh_host_ed25519_key');
    running = await startRelay({
      urls: [nats.url],
      listen: { host: '127.0.0.1', port: 0 },
      keyPath,
      name: 'relay-0',
      maxGuests: options.maxGuests ?? 200,
      maxPerAddress: options.maxPerAddress ?? 50,
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      ...(options.web ? { web: { listen: { host: '127.0.0.1', port: 0 }, ...options.web } } : {}),
    });
    const relay = running;
    const stopped = broadcast;
    return {
      // The host side is an embedded-style broadcast (no sshd, no guest account): guests reach it only through the relay.
      mode: 'embedded',
      route,
      port: Number(relay.server.listenAddress.split(':').pop()),
      sessionName: 'broadcast',
      socketPath: sock.socketPath,
      dir: sock.dir,
      tmux: sock.tmux,
      broadcast: stopped,
      hostPublicKey: loadOrCreateHostKeyFile(keyPath).publicKeyLine,
      host,
      hostSize: size!,
      relay: { running: relay, route, id },
      async cleanup() {
        host.kill();
        await stopped.stop().catch(() => undefined);
        await relay.stop().catch(() => undefined);
        await sock.cleanup();
        await nats.stop();
      },
    };
  } catch (error) {
    await broadcast?.stop().catch(() => undefined);
    await running?.stop().catch(() => undefined);
    await sock.cleanup();
    await nats.stop();
    throw error;
  }
}
