// A real three-node nats-server cluster (Debian's 2.9, JetStream clustered) on loopback for one
// test file: each node has its own config file, store folder, client port and cluster port, with
// routes to the other two. Nodes are killed (SIGKILL, as a crashed machine), restarted from the
// same config and store, and stopped, all by the PIDs this helper started and nothing else.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { freePort } from './freePort';
import { NATS_SERVER } from './natsServer';
import { waitFor } from './wait';

export interface NatsNode {
  /** "n1", "n2", "n3": the node's server_name (what a client's nc.info.server_name says). */
  name: string;
  url: string;
  port: number;
  clusterPort: number;
  /** The running process's PID (0 while killed). */
  pid: number;
  running: boolean;
}

export interface NatsCluster {
  nodes: NatsNode[];
  /** Every node's client URL, as hosts and relays are given them. */
  urls: string[];
  /** The node whose client port is `port` (what a connection's getServer() names). */
  nodeAt(port: number): NatsNode;
  /** SIGKILL: the node vanishes mid-stream, its TCP connections reset. */
  kill(node: NatsNode): Promise<void>;
  /** Starts a killed node again from its config and store; resolves once it is ready. */
  restart(node: NatsNode): Promise<void>;
  /** Resolves once JetStream has a meta leader and a three-replica stream can be made. */
  waitForJetStream(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const CLUSTER_NAME = 'gb-test';

export async function startNatsCluster(): Promise<NatsCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'gb-natscluster-'));
  const ports: Array<{ port: number; clusterPort: number }> = [];
  // Six distinct ports (freePort may hand the same one out twice once it is closed again).
  const taken = new Set<number>();
  while (ports.length < 3) {
    const port = await freePort();
    const clusterPort = await freePort();
    if (port === clusterPort || taken.has(port) || taken.has(clusterPort)) continue;
    taken.add(port).add(clusterPort);
    ports.push({ port, clusterPort });
  }
  const nodes: NatsNode[] = ports.map((p, i) => ({ name: `n${i + 1}`, url: `nats://127.0.0.1:${p.port}`, port: p.port, clusterPort: p.clusterPort, pid: 0, running: false }));
  const children = new Map<NatsNode, { child: ChildProcess; exited: Promise<void>; log: () => string }>();

  for (const node of nodes) {
    const store = join(dir, node.name, 'store');
    mkdirSync(store, { recursive: true });
    const routes = nodes.filter((n) => n !== node).map((n) => `nats://127.0.0.1:${n.clusterPort}`);
    const config = [
      `server_name: ${node.name}`,
      `listen: 127.0.0.1:${node.port}`,
      `jetstream { store_dir: "${store}" }`,
      `cluster {`,
      `  name: ${CLUSTER_NAME}`,
      `  listen: 127.0.0.1:${node.clusterPort}`,
      `  routes: [${routes.map((r) => `"${r}"`).join(', ')}]`,
      `}`,
      '',
    ].join('\n');
    writeFileSync(join(dir, node.name, 'nats.conf'), config);
  }

  const launch = async (node: NatsNode): Promise<void> => {
    const child = spawn(NATS_SERVER, ['-c', join(dir, node.name, 'nats.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    let exited = false;
    child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-16384)));
    const done = new Promise<void>((resolve) => child.once('exit', () => {
      exited = true;
      resolve();
    }));
    children.set(node, { child, exited: done, log: () => log });
    node.pid = child.pid ?? 0;
    node.running = true;
    await waitFor(`nats-server ${node.name} to be ready`, () => {
      if (exited) throw new Error(`nats-server ${node.name} exited:\n${log}`);
      return log.includes('Server is ready');
    }, 20_000);
  };

  const cluster: NatsCluster = {
    nodes,
    urls: nodes.map((n) => n.url),
    nodeAt(port) {
      const node = nodes.find((n) => n.port === port);
      if (!node) throw new Error(`no node of this cluster listens on ${port}`);
      return node;
    },
    async kill(node) {
      const running = children.get(node);
      if (!running || !node.running) return;
      process.kill(node.pid, 'SIGKILL');
      await running.exited;
      node.running = false;
      node.pid = 0;
    },
    async restart(node) {
      if (node.running) return;
      await launch(node);
    },
    async waitForJetStream(timeoutMs = 30_000) {
      const live = nodes.filter((n) => n.running).map((n) => n.url);
      const nc = await connect({ servers: live });
      try {
        // A meta leader exists (and enough peers for three replicas) once a R3 bucket can be made.
        await waitFor('JetStream to elect a meta leader', async () => {
          const kv = await new Kvm(nc).create('gb-probe', { replicas: 3, history: 1 });
          await kv.destroy();
          return true;
        }, timeoutMs, 250);
      } finally {
        await nc.close();
      }
    },
    async stop() {
      for (const node of nodes) {
        const running = children.get(node);
        if (!running || !node.running) continue;
        process.kill(node.pid, 'SIGTERM');
        const gone = await Promise.race([running.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
        if (!gone) {
          process.kill(node.pid, 'SIGKILL');
          await running.exited;
        }
        node.running = false;
        node.pid = 0;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(nodes.map((n) => launch(n)));
    await cluster.waitForJetStream();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
