// The system route: guests log in through the machine's OpenSSH as the guest account (the
// original recipe), set up once by `guest-broadcast setup-guest`.
//
// ITS READ-ONLY RULE (every guard is in one of these files, and each holds on its own):
//   - The guest's login can run one thing: sshd's ForceCommand runs our wrapper
//     (guestAccount/forceCommandWrapper.ts), THE ONE PLACE THAT STARTS A GUEST'S CLIENT:
//     `tmux attach -r` (tmux/attach.ts guestAttachArgv) behind the size relay
//     (guestAccount/sizeRelay.ts), which reads the guest's keystrokes and drops them.
//   - The socket admits the guest account read-only, by tmux's own ACL: `server-access -a USER -r`
//     (permissionFixup.ts), re-applied by serverRestarted() after every tmux (re)start.
//   - tmux older than 3.3 has no server-access list, so it is refused (check(), tmux/version.ts).
//   - The Match block refuses forwarding, agent, X11, sftp and a tty of the guest's choosing
//     (guestAccount/sshdMatchBlock.ts).
import { hostname } from 'node:os';
import { Disposable, ListenerList } from '../../listeners';
import { kickClient, listClients } from '../../tmux/clients';
import { assertSupported, TmuxVersion } from '../../tmux/version';
import { DEFAULT_SSH_PORT, guestSshCommand } from '../guestSshCommand';
import { fanoutClientPids } from '../fanout/fanoutRegistry';
import { Guest, guestsFromClients } from '../guests';
import { applyPermissionFixup } from '../permissionFixup';
import { Route, RouteContext, RouteDescription, RouteReport } from './route';

export interface SystemRouteOptions {
  /** The Unix account guests log in as. */
  guestUser: string;
  /** The port guests' ssh reaches sshd on (only for the join command). */
  sshPort?: number;
}

/** How a guest of system mode watches: `ssh guest@host` (with -p when not 22). */
export function systemJoinCommand(guestUser: string, port = DEFAULT_SSH_PORT, host = hostname()): string {
  return guestSshCommand(guestUser, host, port);
}

export class SystemSshRoute implements Route {
  readonly kind = 'system';
  readonly guestsOpenSocket = true;
  private context: RouteContext | undefined;
  private readonly listeners = new ListenerList<[]>();

  constructor(readonly options: SystemRouteOptions) {}

  check(version: TmuxVersion): void {
    assertSupported(version, 'system');
  }

  initialMarkers(): Record<string, string> {
    return { 'guest-user': this.options.guestUser, watch: this.join };
  }

  async start(context: RouteContext): Promise<RouteReport> {
    this.context = context;
    return applyPermissionFixup(context.tmux, context.version, this.options.guestUser);
  }

  async serverRestarted(context: RouteContext): Promise<RouteReport> {
    return applyPermissionFixup(context.tmux, context.version, this.options.guestUser);
  }

  private get join(): string {
    return systemJoinCommand(this.options.guestUser, this.options.sshPort);
  }

  describe(): RouteDescription {
    return { kind: this.kind, join: this.join, listen: null };
  }

  markers(): Record<string, string> {
    return {};
  }

  /**
   * The read-only tmux clients (sshd serves them; tmux lists them), less the fan-out's own when
   * another route (embedded SSH, browser) serves the same broadcast.
   */
  async guests(): Promise<Guest[]> {
    const context = this.context;
    if (!context) return [];
    const fanout = fanoutClientPids(context);
    return guestsFromClients((await listClients(context.tmux)).filter((c) => !fanout.has(c.pid)));
  }

  async kick(name: string, message: string): Promise<boolean> {
    if (!this.context || !(await this.guests()).some((g) => g.name === name)) return false;
    await kickClient(this.context.tmux, name, message);
    return true;
  }

  async stop(message: string): Promise<void> {
    const context = this.context;
    if (!context) return;
    for (const guest of await this.guests().catch(() => [])) await kickClient(context.tmux, guest.name, message).catch(() => undefined);
  }

  async release(): Promise<void> {
    // sshd serves these guests, not this process: they keep watching while the broadcast lives.
  }

  /** tmux tells no one of joins: the broadcast's monitor polls guests(). */
  onChange(listener: () => void): Disposable {
    return this.listeners.add(listener);
  }
}
