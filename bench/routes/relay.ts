// The relay route (#18) under measurement: one nats-server and N relays, started once per bench
// run (relays are stateless and serve any broadcast), and for each measurement a fresh host with
// --relay beside its own embedded SSH server, so the same broadcast can be watched directly and
// through the relays. Guests of a relay log in with the broadcast's id as their user name.
import { NATS_FIELD_NAMES } from '../../src/host/relay/natsConnection';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NatsProcess } from '../relay/natsProcess';
import { RelayProcess } from '../relay/relayProcess';
import { CipherChoice } from '../options';
import { SshViewerTarget } from '../viewers/sshViewer';
import { startEmbeddedHost } from './embedded';
import { openRun, RouteRun } from './route';

export interface RelayRun {
  run: RouteRun;
  /** The broadcast's id on the relays (the guests' user name). */
  id: string;
  /** The same host's own embedded SSH server: the direct guests latency compares with. */
  direct: SshViewerTarget;
  /** One target per relay, in the fleet's order: a pool given them all spreads its guests. */
  viaRelays: SshViewerTarget[];
}

export class RelayFleet {
  private runs = 0;
  private closed = false;

  private constructor(
    private readonly workDir: string,
    readonly nats: NatsProcess,
    readonly relays: RelayProcess[],
    private readonly maxViewers: number,
    private readonly ciphers: CipherChoice,
  ) {}

  /** nats-server, then the relays one by one; whatever started is stopped if the rest cannot. */
  static async start(workDir: string, relays: number, maxViewers: number, ciphers: CipherChoice): Promise<RelayFleet> {
    const dir = join(workDir, 'relays');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const nats = await NatsProcess.start(workDir);
    const started: RelayProcess[] = [];
    try {
      for (let i = 1; i <= relays; i++) started.push(await RelayProcess.start(nats.url, dir, `bench-relay-${i}`, maxViewers));
    } catch (error) {
      await Promise.all(started.map((r) => r.stop()));
      await nats.stop();
      throw error;
    }
    return new RelayFleet(workDir, nats, started, maxViewers, ciphers);
  }

  /** A fresh broadcast served directly and through every relay, its shell at the prompt. */
  async start(): Promise<RelayRun> {
    if (this.closed) throw new Error('the relay route was closed (the bench is stopping)');
    const id = `bench-${randomBytes(8).toString('hex')}`;
    const host = await startEmbeddedHost(this.workDir, 'relay', ++this.runs, this.maxViewers, this.ciphers, { relay: { urls: [this.nats.url], id, auth: {}, names: { ...NATS_FIELD_NAMES, urls: '--relay' } } });
    const viaRelays: SshViewerTarget[] = this.relays.map((r) => ({ kind: 'ssh', host: '127.0.0.1', port: r.port, username: id }));
    const run = await openRun('relay', host, viaRelays[0], () => []);
    return { run, id, direct: { kind: 'ssh', host: '127.0.0.1', port: host.port, username: 'viewer' }, viaRelays };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.relays.map((r) => r.stop()));
    await this.nats.stop();
  }
}
