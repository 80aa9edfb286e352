// Starts a relay: connects to NATS, opens the registry, listens for SSH guests. Loaded only by
// `guest-broadcast relay` (and tests), so the host never loads the relay's code.
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { loadOrCreateHostKeyFile } from '../host/embedded/hostKey';
import type { ListenAddress } from '../host/embedded/listen';
import { shownNatsUrls } from '../host/relay/relayWatch';
import { openRegistry } from '../host/relay/registryBucket';
import { RelayServer } from './relayServer';

export interface RelayStartOptions {
  urls: string[];
  listen: ListenAddress;
  keyPath: string;
  name: string;
  maxGuests: number;
  maxPerAddress: number;
  handshakeTimeoutMs?: number;
  onLog?: (line: string) => void;
}

/** What guests of a stopping relay are told (they may connect to another relay). */
export const RELAY_STOPPING_MESSAGE = 'Guest Broadcast: this relay is stopping. Connect again (to another relay) to keep watching.';

export interface RunningRelay {
  server: RelayServer;
  fingerprint: string;
  natsShown: string;
  /** The NATS server ("host:port") the relay is connected to now (which cluster node). */
  natsServer(): string;
  stop(): Promise<void>;
}

export async function startRelay(options: RelayStartOptions): Promise<RunningRelay> {
  const hostKey = loadOrCreateHostKeyFile(options.keyPath);
  const natsShown = shownNatsUrls(options.urls);
  const nc = await connect({ servers: options.urls, name: `guest-broadcast relay ${options.name}`, maxReconnectAttempts: -1, reconnectTimeWait: 1000 }).catch((error: Error) => {
    throw new Error(`Cannot reach NATS at ${natsShown} (${error.message}). Check that nats-server runs there and that --nats names it.`);
  });
  // The same bucket (and settings) hosts make: a relay started before any host still finds them later.
  const kv = await openRegistry(nc).catch(async (error: Error) => {
    await nc.close().catch(() => undefined);
    throw new Error(`NATS at ${natsShown} has no JetStream for the relay registry (${error.message}). Start nats-server with -js.`);
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
  void followLink(nc, server, options.onLog);
  try {
    await server.listen();
  } catch (error) {
    await nc.close().catch(() => undefined);
    throw error;
  }
  return {
    server,
    fingerprint: hostKey.fingerprint,
    natsShown,
    natsServer: () => nc.getServer(),
    async stop() {
      await server.close(RELAY_STOPPING_MESSAGE);
      await nc.drain().catch(() => undefined);
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
