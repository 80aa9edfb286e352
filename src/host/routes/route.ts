// A route is one way of serving guests (../shared/DESIGN.md, "Routes"): the embedded SSH server,
// the machine's OpenSSH (system mode), and next the browser and relays. A Broadcast keeps the
// tmux server's life and the monitor; everything about guests belongs to its routes, and several
// routes can serve one broadcast at once (SSH and browser guests together).
//
// Every route's file starts with ITS read-only rule: where its guests' input is dropped, and
// the one place that spawns its guests' read-only tmux client.
import type { Disposable } from '../../listeners';
import type { Tmux } from '../../tmux/tmux';
import type { TmuxVersion } from '../../tmux/version';
import type { Guest } from '../guests';
import type { RouteKind } from './routeKind';

/** A guest's session exit status when the broadcast went away without a stop (as tmux's own "[lost server]"). */
export const LOST_EXIT_STATUS = 1;

export type { RouteKind } from './routeKind';

/** What a route is told about the broadcast it serves. */
export interface RouteContext {
  readonly tmux: Tmux;
  readonly version: TmuxVersion;
  readonly sessionName: string;
}

/** How guests reach a route: for the banner, Copy watch command, `status --json` and the markers. */
export interface RouteDescription {
  readonly kind: RouteKind;
  /** What a guest types or opens to watch: an ssh command line, or a link. */
  readonly join: string;
  /** The address the route's own server is bound to; null when another program serves (sshd). */
  readonly listen: string | null;
  /** The SSH host key fingerprint guests should see on first connect ("SHA256:..."). */
  readonly fingerprint?: string;
  /** Where the route keeps its state (host key, passphrase, link secret), reused when served again. */
  readonly stateDir?: string;
  /** The browser route's asciinema-compatible live stream ('' when it serves none). */
  readonly stream?: string;
}

/** Steps a route took to let its guests in, and problems it could not solve (each with what to do). */
export interface RouteReport {
  applied: string[];
  warnings: string[];
}

export interface Route {
  readonly kind: RouteKind;
  /**
   * Whether guests' own processes open the broadcast's socket (system mode: each guest's login
   * runs its tmux client): the socket's folder is then made traversable for them, and no other.
   */
  readonly guestsOpenSocket: boolean;
  /** Refuses, with what to do, a tmux this route cannot serve safely. Called before anything starts. */
  check(version: TmuxVersion): void;
  /** Markers recorded when a new broadcast is created for this route (before start()). */
  initialMarkers(context: RouteContext): Record<string, string>;
  /** Starts serving a broadcast (new or adopted): listens, lets its guests in. */
  start(context: RouteContext): Promise<RouteReport | undefined>;
  /** The tmux server was restarted under the broadcast (a fresh socket, its ACL forgotten). */
  serverRestarted(context: RouteContext): Promise<RouteReport | undefined>;
  describe(): RouteDescription;
  /** Markers recorded once the route runs, so another process reads how it is served (listen, state dir). */
  markers(): Record<string, string>;
  /** This route's guests now. Routes that know them in-process answer without running tmux. */
  guests(): Promise<Guest[]>;
  /** Ends one of this route's guests with a one-line message; false when it has no such guest. */
  kick(name: string, message: string): Promise<boolean>;
  /** The broadcast ends: every guest is told `message` (the farewell) and closed; serving stops. */
  stop(message: string): Promise<void>;
  /**
   * This process stops serving without ending the broadcast (a VS Code window closing, the tmux
   * server lost): guests of a server in this process are told `message` and closed with a
   * non-zero exit status, so watchers keep trying and come back after a new start; guests served
   * by another program (sshd) are left as they are.
   */
  release(message: string): Promise<void>;
  /** Joins and leaves, so the broadcast need not wait for its next poll. */
  onChange(listener: () => void): Disposable;
}
