// What the Broadcast needs from whatever serves guests in embedded mode (the ssh2 server).
// System mode has none: OpenSSH's sshd serves the guests.
import type { Disposable } from '../listeners';
import { Guest } from './guests';

export interface GuestServerContext {
  socketPath: string;
  sessionName: string;
  tmuxBin: string;
}

export interface GuestServer {
  /** The address actually bound, "127.0.0.1:2222". */
  readonly listenAddress: string;
  /** The command a guest types to watch. */
  readonly watchCommand: string;
  /** Where the server keeps its host key (and passphrase), recorded so serving it again can reuse them. */
  readonly stateDir?: string;
  /** The server's host key fingerprint ("SHA256:..."), shown with the watch command so guests can check it. */
  readonly fingerprint?: string;
  /** Guests as the server knows them. */
  guests(): Guest[];
  /** Ends one guest with a one-line reason; false when no such viewer. */
  kick(name: string, message: string): Promise<boolean>;
  /** Tells every guest `message`, closes them, and stops listening. */
  /**
   * Tells every guest `message`, closes them, and stops listening. `exitStatus` is what each
   * guest's session exits with: 0 for a deliberate stop (watchers show "ended"), non-zero when
   * the broadcast was lost (watchers keep trying, and come back after a new start).
   */
  close(message: string, exitStatus?: number): Promise<void>;
  /** Registers a listener for joins and leaves (so the host need not wait for the next poll). */
  onChange(listener: () => void): Disposable;
}

export type GuestServerFactory = (context: GuestServerContext) => Promise<GuestServer>;
