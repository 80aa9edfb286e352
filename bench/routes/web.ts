// The web route: browser guests. The host process runs the embedded SSH route and, beside it, the
// browser route (`host --web 127.0.0.1:0`), as a user's `guest-broadcast host --web` does; the
// bench's viewers open the page's WebSocket from the link the host reports, as the page does.
import { CipherChoice } from '../options';
import { webViewerTarget } from '../viewers/webViewer';
import { startEmbeddedHost } from './embedded';
import { openRun, RouteUnderTest, RouteRun } from './route';

export class WebRouteUnderTest implements RouteUnderTest {
  readonly name = 'web' as const;
  // Each run has its own folder, socket, tmux server and ports.
  readonly concurrentRuns = true;
  private runs = 0;

  constructor(
    private readonly workDir: string,
    private readonly maxViewers: number,
    /** The SSH route beside it serves nobody here; its ciphers only decide which host bundle runs. */
    private readonly ciphers: CipherChoice,
  ) {}

  async start(): Promise<RouteRun> {
    const host = await startEmbeddedHost(this.workDir, this.name, ++this.runs, this.maxViewers, this.ciphers, {
      web: { listen: '127.0.0.1:0', tls: undefined },
    });
    if (!host.webLink) {
      await host.stop();
      throw new Error('the web host reported no browser link (the browser route did not start)');
    }
    return openRun(this.name, host, webViewerTarget(host.webLink), () => []);
  }

  async close(): Promise<undefined> {
    // Nothing outlives a run: each host process ends its own tmux server, SSH and web servers.
    return undefined;
  }
}
