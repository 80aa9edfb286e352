// The embedded SSH route: guests watch with a plain `ssh` to an ssh2 server in this process.
//
// ITS READ-ONLY RULE:
//   - Nothing a guest sends is written anywhere: a guest's channel data is read and dropped
//     (embedded/guestView.ts); the server accepts only session channels with pty-req, shell,
//     window-change and the one host-size exec, and refuses everything else (guestConnection.ts).
//   - What a guest sees is its size group's tmux client, spawned only by
//     fanout/readOnlyTerminal.ts: `attach -r`, held as a ReadOnlyTerminal, which cannot write.
//   - Guests never open the broadcast's socket: the socket stays private to the host.
import { assertSupported, TmuxVersion } from '../../tmux/version';
import type { EmbeddedGuestServer } from '../embedded/server';
import type { EmbeddedServerOptions } from '../embedded/options';
import type { Guest } from '../guests';
import { Disposable, ListenerList } from '../../listeners';
import { LOST_EXIT_STATUS, Route, RouteContext, RouteDescription, RouteReport } from './route';

export class EmbeddedSshRoute implements Route {
  readonly kind = 'embedded';
  readonly guestsOpenSocket = false;
  private running: EmbeddedGuestServer | undefined;
  private readonly listeners = new ListenerList<[]>();
  private unfollow: Disposable | undefined;

  constructor(readonly options: EmbeddedServerOptions) {}

  /** The ssh2 server once started (for the CLI's banner and the tests' flow figures). */
  get server(): EmbeddedGuestServer {
    if (!this.running) throw new Error('The embedded SSH route has not started.');
    return this.running;
  }

  check(version: TmuxVersion): void {
    assertSupported(version, 'embedded');
  }

  initialMarkers(): Record<string, string> {
    return {};
  }

  async start(context: RouteContext): Promise<RouteReport | undefined> {
    // Loaded only now: a broadcast without this route never loads ssh2 or node-pty.
    const { startEmbeddedServer } = await import('../embedded/index');
    this.running = await startEmbeddedServer(this.options, context);
    this.unfollow = this.running.onChange(() => this.listeners.fire());
    return undefined;
  }

  async serverRestarted(): Promise<RouteReport | undefined> {
    return undefined; // the socket is private: nothing to grant again
  }

  describe(): RouteDescription {
    const server = this.server;
    return { kind: this.kind, join: server.joinCommand, listen: server.listenAddress, fingerprint: server.fingerprint, stateDir: server.stateDir };
  }

  markers(): Record<string, string> {
    return { listen: this.server.listenAddress, 'state-dir': this.server.stateDir };
  }

  async guests(): Promise<Guest[]> {
    return this.running?.guests() ?? [];
  }

  kick(name: string, message: string): Promise<boolean> {
    return this.running?.kick(name, message) ?? Promise.resolve(false);
  }

  async stop(message: string): Promise<void> {
    await this.close(message, 0);
  }

  async release(message: string): Promise<void> {
    await this.close(message, LOST_EXIT_STATUS);
  }

  onChange(listener: () => void): Disposable {
    return this.listeners.add(listener);
  }

  private async close(message: string, exitStatus: number): Promise<void> {
    const server = this.running;
    if (!server) return;
    await server.close(message, exitStatus);
    this.unfollow?.dispose();
  }
}
