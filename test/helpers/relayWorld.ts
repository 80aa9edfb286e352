// A host broadcasting through NATS to an in-process relay (the real `relay` code), on loopback:
// nats-server, the host's Broadcast with its embedded SSH route and relay route, and relays.
import { join } from 'node:path';
import { Broadcast } from '../../src/host/broadcast';
import { broadcastOptions } from '../../src/host/options/broadcast';
import { HostOptions, hostOptions } from '../../src/host/options/parse';
import { NATS_FIELD_NAMES, NatsAuth } from '../../src/host/relay/natsConnection';
import { RelayRoute } from '../../src/host/relay/relayRoute';
import { EmbeddedSshRoute } from '../../src/host/routes/embeddedSshRoute';
import { RunningRelay, startRelay } from '../../src/relay/startRelay';
import { listClients } from '../../src/tmux/clients';
import { startNatsServer, NatsServer } from './natsServer';
import { PtyClient } from './ptyClient';
import { waitFor } from './screen';
import { TempSocket, tempSocket, TEST_SHELL } from './tmuxFixture';
import { opensshClient } from './embeddedFixture';

export interface RelayWorld {
  /** The NATS the host was given (its URLs, comma-separated, when a cluster or a proxy). */
  nats: { url: string };
  sock: TempSocket;
  broadcast: Broadcast;
  route: RelayRoute;
  id: string;
  hostClient: PtyClient;
  /** The host's own embedded SSH route's port (a guest that needs no relay). */
  embeddedPort: number;
  relays: RunningRelay[];
  /** What the host warned of (as `host` prints "Warning: …"): NATS link lost, back, unreachable at stop. */
  warnings: string[];
  /**
   * A relay in this process, on `urls` (default: the NATS the world started, or relayUrls);
   * `web`: browser guests too (`relay --web`, on a free loopback port).
   */
  startRelay(options?: string[] | { urls?: string[]; web?: { assetDir?: string } }): Promise<RunningRelay>;
  guest(relay: RunningRelay, options?: { user?: string; cols?: number; rows?: number }): PtyClient;
  /** A guest of the host's embedded SSH route. */
  direct(options?: { cols?: number; rows?: number }): PtyClient;
  cleanup(): Promise<void>;
}

export interface RelayWorldOptions {
  relayId?: string;
  /** A nats-server of the test's own (auth, TLS, permissions); default: an open one. */
  nats?: NatsServer;
  /** How the host and the relays log in to it (default: not at all). */
  hostAuth?: NatsAuth;
  relayAuth?: NatsAuth;
  /** The host's access policy (default open). */
  access?: HostOptions['access'];
  authorizedKeysFile?: string;
  /** The host's NATS URLs (a cluster's, or a proxy's in front of one); none: `nats`, or a nats-server of its own. */
  hostUrls?: string[];
  /** The relays' NATS URLs (default: the host's). */
  relayUrls?: string[];
}

export async function relayWorld(options: RelayWorldOptions = {}): Promise<RelayWorld> {
  // Stopped at cleanup: the one it started, or the test's own `nats` (given to the world to keep);
  // a cluster's or a proxy's URLs stay the test's.
  const own: NatsServer | undefined = options.hostUrls ? undefined : (options.nats ?? (await startNatsServer()));
  const hostUrls = options.hostUrls ?? [own?.url ?? ''];
  const relayUrls = options.relayUrls ?? hostUrls;
  const sock = tempSocket('gb-relay-');
  const stateDir = join(sock.dir, 'state');
  const host = hostOptions({
    listen: '127.0.0.1:0',
    stateDir,
    socketPath: sock.socketPath,
    command: TEST_SHELL,
    tmuxConfig: '/dev/null',
    mode: 'embedded',
    access: options.access ?? 'open',
    authorizedKeysFile: options.authorizedKeysFile,
    relay: { urls: hostUrls, id: options.relayId, auth: options.hostAuth ?? {}, names: { ...NATS_FIELD_NAMES, urls: '--relay' } },
  });
  const warnings: string[] = [];
  const started = broadcastOptions(host, { names: {}, defaultStateDir: stateDir, onWarning: (message) => warnings.push(message) });
  const route = started.routes.find((r): r is RelayRoute => r instanceof RelayRoute);
  if (!route) throw new Error('no relay route');
  // A host that cannot start (NATS refused it) must not leave nats-server running.
  const broadcast = await Broadcast.start({ ...started, pollIntervalMs: 200 }).catch(async (error: unknown) => {
    await sock.cleanup();
    await own?.stop();
    throw error;
  });
  // The host's own client sizes the window (80x24), as in real use.
  const hostClient = new PtyClient(broadcast.hostAttachArgv, { cols: 80, rows: 24 });
  await waitFor('the host client', async () => (await listClients(sock.tmux)).some((c) => !c.readOnly));
  const relays: RunningRelay[] = [];
  const guests: PtyClient[] = [];
  const world: RelayWorld = {
    nats: { url: hostUrls.join(',') },
    sock,
    broadcast,
    route,
    id: route.broadcastId,
    hostClient,
    embeddedPort: (started.routes[0] as EmbeddedSshRoute).server.port,
    relays,
    warnings,
    async startRelay(o = {}) {
      const given = Array.isArray(o) ? { urls: o } : o;
      const relay = await startRelay({
        ...(given.web ? { web: { listen: { host: '127.0.0.1', port: 0 }, assetDir: given.web.assetDir } } : {}),
        urls: given.urls ?? relayUrls,
        auth: options.relayAuth,
        listen: { host: '127.0.0.1', port: 0 },
        keyPath: join(sock.dir, `relay-${relays.length}`, 'ssh_host_ed25519_key'),
        name: `relay-${relays.length}`,
        maxGuests: 100,
        maxPerAddress: 50,
      });
      relays.push(relay);
      return relay;
    },
    direct(o = {}) {
      const g = opensshClient(world.embeddedPort, { cols: o.cols ?? 80, rows: o.rows ?? 24 });
      guests.push(g);
      return g;
    },
    guest(relay, o = {}) {
      const port = Number(relay.server.listenAddress.split(':').pop());
      const g = opensshClient(port, { user: o.user ?? world.id, cols: o.cols ?? 80, rows: o.rows ?? 24 });
      guests.push(g);
      return g;
    },
    async cleanup() {
      for (const g of guests) g.kill();
      await broadcast.stop().catch(() => undefined);
      hostClient.kill();
      for (const r of relays) await r.stop().catch(() => undefined);
      await sock.cleanup();
      await own?.stop();
    },
  };
  return world;
}
