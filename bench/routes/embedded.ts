// The embedded route: the built-in ssh2 server in the host process (the default mode). Any user
// name gets in ("open" access) from loopback.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { HostConfig } from '../host/hostConfig';
import { HostHandle } from '../host/hostHandle';
import { CipherChoice, HOST_SIZE } from '../options';
import { openRun, RouteUnderTest, RouteRun, SESSION } from './route';

/**
 * Starts an embedded host in a fresh folder of the run (its own socket, tmux server and port),
 * with its ciphers checked; `extra` adds options (the web route's --web).
 */
export async function startEmbeddedHost(
  workDir: string,
  route: HostConfig['route'],
  run: number,
  maxViewers: number,
  ciphers: CipherChoice,
  extra: Partial<HostConfig> = {},
): Promise<HostHandle> {
  const dir = join(workDir, `${route}-${run}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const host = await HostHandle.start({
    route,
    mode: 'embedded',
    socketPath: join(dir, 'sock', 'guest'),
    sessionName: SESSION,
    stateDir: join(workDir, `${route}-state`),
    listen: '127.0.0.1:0',
    // Every bench viewer comes from 127.0.0.1: lift the per-address bound, keep the rest.
    maxViewers,
    maxConnectionsPerAddress: maxViewers,
    loginTimeoutMs: 30_000,
    cwd: dir,
    cols: HOST_SIZE.cols,
    rows: HOST_SIZE.rows,
    ciphers,
    ...extra,
  });
  // The report names the ciphers; make sure that is what ran.
  if (host.nativeCiphers !== (ciphers === 'native')) {
    await host.stop();
    throw new Error(
      ciphers === 'native'
        ? "ssh2's native ciphers did not load in the host (node_modules/ssh2 built without them: npm ci needs python3 and a C++ compiler). Measure the pure-JS ciphers with --ciphers js."
        : "ssh2's native ciphers loaded although --ciphers js asked for the pure-JS ones: rebuild the bench (npm run bench builds it).",
    );
  }
  return host;
}

export class EmbeddedRouteUnderTest implements RouteUnderTest {
  readonly name = 'embedded' as const;
  // Each run has its own folder, socket, tmux server and port.
  readonly concurrentRuns = true;
  private runs = 0;

  constructor(
    private readonly workDir: string,
    private readonly maxViewers: number,
    private readonly ciphers: CipherChoice,
  ) {}

  async start(): Promise<RouteRun> {
    const host = await startEmbeddedHost(this.workDir, this.name, ++this.runs, this.maxViewers, this.ciphers);
    return openRun(this.name, host, { kind: 'ssh', host: '127.0.0.1', port: host.port, username: 'viewer' }, () => []);
  }

  async close(): Promise<undefined> {
    // Nothing outlives a run: each host process ends its own tmux server and SSH server.
    return undefined;
  }
}
