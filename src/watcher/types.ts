// The contract between the watcher's connection (src/watcher, plain Node) and whatever shows it
// (the VS Code panel, the CLI's `watch`, tests). Nothing here imports vscode.
import type { Disposable } from '../listeners';
import type { TerminalSize } from '../wire/hostSize';

/** Where a viewer stands, as its status line shows it. */
export type WatchState =
  | { kind: 'connecting' }
  | { kind: 'live' }
  /** to: the server tried next, when the target is a list ("r2:2223"). */
  | { kind: 'reconnecting'; inSeconds: number; reason: string; to?: string }
  /** message: why, in the host's words, when it said (the browser page shows it). */
  | { kind: 'ended'; message?: string }
  | { kind: 'error'; message: string };

/** One server to connect to: `[user@]host[:port]` after defaults and ~/.ssh/config are applied. */
export interface WatchEndpoint {
  host: string;
  port: number;
  user: string;
  identityFiles: string[];
  /** UserKnownHostsFile from ~/.ssh/config, when it names one (replaces ~/.ssh/known_hosts). */
  knownHostsFiles?: string[];
}

/** What a person asked to watch: one server, or a list of relays to fail over to (targetList.ts). */
export interface WatchTarget extends WatchEndpoint {
  /** What the user typed or picked ("guest@example:2222", an ssh config alias, "ID@r1:2223,r2:2223"). */
  label: string;
  /**
   * The other servers of a list, in order, after this one (the first). When a connection that
   * was live is lost, the watcher tries the next one (round robin, with the usual backoff); before
   * the first success it tries each once before giving up.
   */
  alternates?: WatchEndpoint[];
}

export interface HostKeyInfo {
  host: string;
  port: number;
  /** "ssh-ed25519" … */
  keyType: string;
  /** "SHA256:…" as OpenSSH prints it. */
  fingerprint: string;
}

/** Questions only a person can answer; the panel asks in VS Code, the CLI in the terminal. */
export interface WatchPrompts {
  /** Unknown host key: trust it (and remember it)? */
  confirmNewHostKey(info: HostKeyInfo): Promise<boolean>;
  /** The server wants a password or a key passphrase; undefined means the user cancelled. */
  askSecret(prompt: string): Promise<string | undefined>;
  /** The server's login banner, control characters already made visible; not shown if absent. */
  showBanner?(text: string): void;
}

/** One watched broadcast: output flows out, nothing ever flows in. */
export interface WatchSession {
  readonly target: WatchTarget;
  readonly state: WatchState;
  /** Bytes from the host, already filtered (see outputFilter). */
  onOutput(listener: (data: Uint8Array) => void): Disposable;
  onState(listener: (state: WatchState) => void): Disposable;
  /** The host's terminal size as its server tells it; undefined while not known (or not told). */
  onHostSize?(listener: (size: TerminalSize | undefined) => void): Disposable;
  /** Tries again now instead of waiting out the reconnect delay (or after an error). */
  retryNow?(): void;
  /** The viewer's terminal size changed: sends window-change. */
  resize(cols: number, rows: number): void;
  /** Ends the connection and stops reconnecting. No state is reported after close(). */
  close(): void;
}

/** Reconnect timing; tests shorten it. Defaults: 1 s doubling to 30 s, ±20 % jitter. */
export interface ReconnectTiming {
  initialMs?: number;
  maxMs?: number;
  /** 0.2 means ±20 %. */
  jitter?: number;
  /** A connection live this long resets the delay to initialMs (default 10 s). */
  stableMs?: number;
}

/** How a session connects; everything but the size and the store has a sensible default. */
export interface WatchOptions {
  cols: number;
  rows: number;
  /** The viewer's own trust-on-first-use file (the extension's global storage, or ~/.config/guest-broadcast/known_hosts). */
  hostKeyStorePath: string;
  /**
   * OpenSSH known_hosts files to trust. Default: the target's UserKnownHostsFile or
   * ~/.ssh/known_hosts and ~/.ssh/known_hosts2, plus /etc/ssh/ssh_known_hosts(2).
   */
  knownHostsFiles?: string[];
  /** Home folder for ~/.ssh (default: os.homedir()). */
  home?: string;
  /** ssh-agent socket; default $SSH_AUTH_SOCK; null: do not use an agent. */
  agentSocket?: string | null;
  /** TERM for the remote pty (default xterm-256color). */
  term?: string;
  /** false: one attempt only (the CLI's --snapshot); otherwise reconnect with this timing. */
  reconnect?: false | ReconnectTiming;
  /** TCP + key exchange + login, not counting time spent answering prompts (default 20 s). */
  handshakeTimeoutMs?: number;
  /** SSH keepalive interval (default 15 s; three missed answers end the connection). */
  keepaliveIntervalMs?: number;
  /**
   * A password given up front (the CLI's --passphrase-file or $GUEST_BROADCAST_PASSPHRASE, for
   * scripts): it answers the server's password request and its hidden keyboard-interactive
   * prompts instead of asking. `from` names where it came from, for the error when it is refused.
   */
  password?: GivenPassword;
}

export interface GivenPassword {
  value: string;
  from: string;
}
