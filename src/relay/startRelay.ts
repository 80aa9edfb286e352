// Starts a relay: connects to NATS, opens the registry, listens for SSH guests. Loaded only by
// `guest-broadcast relay` (and tests), so the host never loads the relay's code.
import type { NatsConnection } from '@nats-io/nats-core';
import { loadOrCreateHostKeyFile } from '../host/embedded/hostKey';
import type { ListenAddress } from '../host/embedded/listen';
import { closeNats, connectNats, NATS_FIELD_NAMES, registryFailure, NatsAuth, NatsOptionNames } from '../host/relay/natsConnection';
import { shownNatsUrls } from '../host/relay/relayWatch';
import { openRegistry } from '../host/relay/registryBucket';
import { RelayServer } from './relayServer';
import { RelayWebServer } from './relayWebServer';

export interface RelayStartOptions {
  urls: string[];
  /** NATS credentials and TLS (none: an open NATS on a trusted network). */
  auth?: NatsAuth;
  /** The options' names as the user gave them, for the messages of a refused connection. */
  optionNames?: NatsOptionNames;
  listen: ListenAddress;
  keyPath: string;
  /** Set when the user named keyPath (with this option, "--host-key"): its folder must exist, and a file there that is no key is refused and left as it was. */
  keyOption?: string;
  name: string;
  maxGuests: number;
  maxPerAddress: number;
  handshakeTimeoutMs?: number;
  /** Browser guests too (`--web`): where, and https with a certificate and key. */
  web?: { listen: ListenAddress; tls?: { cert: Buffer; key: Buffer }; assetDir?: string; headersTimeoutMs?: number; requestTimeoutMs?: number };
  onLog?: (line: string) => void;
}

/** What guests of a stopping relay are told (they may connect to another relay). */
export const RELAY_STOPPING_MESSAGE = 'Guest Broadcast: this relay is stopping. Connect again (to another relay) to keep watching.';

export interface RunningRelay {
  server: RelayServer;
  /** With --web: the browser side (its origin, http(s)://HOST:PORT; links add /w/<id>/). */
  web: RelayWebServer | undefined;
  fingerprint: string;
  /** The host key was made just now (first run): guests' ssh sees a new key. */
  newHostKey: boolean;
  natsShown: string;
  /** The NATS server ("host:port") the relay is connected to now (which cluster node). */
  natsServer(): string;
  stop(): Promise<void>;
}

export async function startRelay(options: RelayStartOptions): Promise<RunningRelay> {
  const hostKey = loadOrCreateHostKeyFile(options.keyPath, options.keyOption ? { option: options.keyOption, owner: "the relay's" } : undefined);
  const natsShown = shownNatsUrls(options.urls);
  const nc = await connectNats(options.urls, options.auth ?? {}, `guest-broadcast relay ${options.name}`, options.optionNames ?? { ...NATS_FIELD_NAMES, urls: '--nats' });
  // The same bucket (and settings) hosts make: a relay started before any host still finds them later.
  const kv = await openRegistry(nc).catch(async (error: Error) => {
    await nc.close().catch(() => undefined);
    throw new Error(registryFailure(natsShown, error));
  });
  const server = new RelayServer(nc, kv, {
    listen: options.listen,
    hostKey,
    name: options.name,
    maxGuests: options.maxGuests,
    maxPerAddress: options.maxPerAddress,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
    onLog: options.onLog,
  });
  const web = options.web
    ? new RelayWebServer(server, { ...options.web, handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000, onLog: options.onLog }, options.maxGuests, options.maxPerAddress)
    : undefined;
  void followLink(nc, server, options.onLog);
  try {
    await server.listen();
    await web?.listen();
  } catch (error) {
    await server.close(RELAY_STOPPING_MESSAGE).catch(() => undefined);
    await nc.close().catch(() => undefined);
    throw error;
  }
  return {
    server,
    web,
    fingerprint: hostKey.fingerprint,
    newHostKey: hostKey.created,
    natsShown,
    natsServer: () => nc.getServer(),
    async stop() {
      // Pages first: told the relay stops (they keep trying), not that the broadcast ended.
      await web?.close(RELAY_STOPPING_MESSAGE);
      await server.close(RELAY_STOPPING_MESSAGE);
      await closeNats(nc);
    },
  };
}

/** nats.js reconnects by itself (to any server of --nats or of the cluster); the relay's broadcasts hear of each drop and return. */
async function followLink(nc: NatsConnection, server: RelayServer, onLog?: (line: string) => void): Promise<void> {
  for await (const status of nc.status()) {
    if (status.type === 'disconnect') {
      onLog?.(`lost the link to NATS (${shownNatsUrls([status.server])}); reconnecting`);
      server.linkChanged(false);
    } else if (status.type === 'reconnect') {
      onLog?.(`back on NATS (${shownNatsUrls([status.server])})`);
      server.linkChanged(true);
    }
  }
}
