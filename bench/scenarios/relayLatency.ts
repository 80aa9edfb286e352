// Latency through a relay against direct (#18): on ONE broadcast, the same count of guests first
// connected to the host's own embedded SSH server, then spread over the relays; the same markers
// typed into the host's session, timed until each guest's screen shows them. Same host, same
// minutes: the difference is what the hop through NATS and a relay adds.
import { BenchContext } from '../context';
import { RelayFleet } from '../routes/relay';
import { Summary } from '../stats';
import { SshViewerTarget } from '../viewers/sshViewer';
import { bringUp, closeAll } from '../viewerPool';
import { LatencySamples, sampleLatency } from './latency';

export interface RelayLatencyRow {
  viewers: number;
  relays: number;
  direct: LatencySamples;
  relay: LatencySamples;
  /** relay p50 - direct p50 (ms): the hop's cost (target <= 1.5 ms). */
  p50DiffMs: number | null;
}

export async function measureRelayLatency(ctx: BenchContext, fleet: RelayFleet, viewers: number): Promise<RelayLatencyRow> {
  const relayRun = await fleet.start();
  try {
    const measure = async (targets: SshViewerTarget[], what: string): Promise<LatencySamples> => {
      const pool = await bringUp(targets, ctx.pool(viewers));
      try {
        if (pool.viewers.length < viewers) throw new Error(`only ${pool.viewers.length} of ${viewers} ${what} guests came up: ${pool.failures[0] ?? ''}`);
        return await sampleLatency(ctx, relayRun.run, pool.viewers);
      } finally {
        closeAll(pool.viewers);
      }
    };
    const direct = await measure([relayRun.direct], 'direct');
    const relay = await measure(relayRun.viaRelays, 'relay');
    const diff = (a: Summary, b: Summary): number | null => (Number.isFinite(a.p50) && Number.isFinite(b.p50) ? a.p50 - b.p50 : null);
    return { viewers, relays: relayRun.viaRelays.length, direct, relay, p50DiffMs: diff(relay.ms, direct.ms) };
  } finally {
    await relayRun.run.stop();
  }
}
