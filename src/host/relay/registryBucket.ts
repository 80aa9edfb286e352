// The relay registry's JetStream KV bucket (wire/relayProtocol.ts, REGISTRY_BUCKET), opened the
// same way by hosts and relays: whichever comes first creates it, with the same settings.
//
// REPLICAS: in a NATS cluster the bucket is kept on three nodes, so a node that dies takes no
// broadcast's entry with it (relays would refuse every guest of a live broadcast until its next
// heartbeat). A single server refuses replicas > 1 ("replicas > 1 not supported in non-clustered
// mode"), and a cluster of fewer than three JetStream nodes has no room for three: there, one
// replica, which is all such a deployment can hold anyway. A bucket an older single-server setup
// made with one replica is scaled up once the cluster has room.
import type { NatsConnection } from '@nats-io/nats-core';
import type { KV } from '@nats-io/kv';
import { REGISTRY_BUCKET, REGISTRY_TTL_MS } from '../../wire/relayProtocol';

/** Replicas wanted in a cluster (a majority survives one node down). */
export const CLUSTER_REPLICAS = 3;

/** Opens (or creates) the registry bucket; rejects when the server has no JetStream. */
export async function openRegistry(nc: NatsConnection): Promise<KV> {
  // Through our own module (natsClient.ts says why: the extension's bundle).
  const { Kvm } = await import('./natsClient');
  const kvm = new Kvm(nc);
  // A clustered server says so in its INFO (the cluster's name).
  const clustered = Boolean(nc.info?.cluster);
  const make = (replicas: number): Promise<KV> => kvm.create(REGISTRY_BUCKET, { ttl: REGISTRY_TTL_MS, history: 1, replicas });
  if (!clustered) return make(1);
  let kv: KV;
  try {
    kv = await make(CLUSTER_REPLICAS);
  } catch (error) {
    // Fewer than three JetStream nodes: one replica is what there is room for.
    if (!/insufficient resources|replicas/i.test((error as Error).message)) throw error;
    return make(1);
  }
  await scaleUp(nc, kv);
  return kv;
}

/**
 * An existing bucket made with fewer replicas (by a single server before it was clustered):
 * scaled up through JetStream's own API (stream info, then update with num_replicas), best effort.
 */
async function scaleUp(nc: NatsConnection, kv: KV): Promise<void> {
  try {
    const status = await kv.status();
    if (status.replicas >= CLUSTER_REPLICAS) return;
    const stream = status.streamInfo.config.name;
    const config = { ...status.streamInfo.config, num_replicas: CLUSTER_REPLICAS };
    await nc.request(`$JS.API.STREAM.UPDATE.${stream}`, JSON.stringify(config), { timeout: 5000 });
  } catch {
    // Left as it is: the registry still works, with the replicas it has.
  }
}
