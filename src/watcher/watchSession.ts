// A watched broadcast over time: connects, streams, and when the connection is lost tries
// again with backoff until the broadcast ends cleanly or close() is called. Host key and login
// refusals are final (retrying would only ask or fail again). See sessionEnd.ts for how
// "ended" is told from "lost" and from a view the server refused (a failed connection here).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Disposable, ListenerList } from '../listeners';
import { AuthError } from './authPlan';
import { backoffDelay } from './backoff';
import { HostKeyStore } from './hostKeyStore';
import { HostKeyError, HostKeyVerifier } from './hostKeyVerifier';
import { classifyEnd } from './sessionEnd';
import { connectOnce, LiveConnection } from './sshConnection';
import { TargetError } from './targetSpec';
import { WatchEndpoint, WatchOptions, WatchPrompts, WatchSession, WatchState, WatchTarget } from './types';
import { visibleText } from './visibleText';
import type { TerminalSize } from '../wire/hostSize';

const DEFAULT_STABLE_MS = 10_000;

export function defaultKnownHostsFiles(target: WatchEndpoint, home: string): string[] {
  const user = target.knownHostsFiles?.length ? target.knownHostsFiles : [join(home, '.ssh', 'known_hosts'), join(home, '.ssh', 'known_hosts2')];
  return [...user, '/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
}

/**
 * A view the server ended before showing anything, with a non-zero status and only its words
 * (sessionEnd.ts): a relay that serves no broadcast by that id, a host that cannot show it. Not
 * a success, so it counts as a failed connection.
 */
class RefusedView extends Error {
  override name = 'RefusedView';
}

/**
 * Errors that retrying by itself cannot fix: the host's identity, a refused or cancelled login,
 * and any failure before the first successful connection (no such host, nothing listening, a
 * timeout, a view refused): a target that was never reached is most likely a typo or a broadcast
 * not started, and retrying forever as "Reconnecting…" hides that. The user gets an error with Retry. Once
 * the target has been reached, the same failures are an outage and are retried with backoff.
 */
function isFinal(error: unknown, everLive: boolean): boolean {
  if (error instanceof HostKeyError || error instanceof AuthError || error instanceof TargetError) return true;
  return !everLive;
}

/** Refusals about who the server is or who we are: never passed over for the next server of a list. */
function isAboutIdentity(error: unknown): boolean {
  return error instanceof HostKeyError || error instanceof AuthError || error instanceof TargetError;
}

/** "user@host:port" (or "host:port" without the user), the port left out when it is 22. */
function endpointLabel(e: WatchEndpoint, withUser = true): string {
  const host = e.host.includes(':') ? `[${e.host}]` : e.host;
  return `${withUser ? `${e.user}@` : ''}${host}${e.port === 22 ? '' : `:${e.port}`}`;
}

export class SshWatchSession implements WatchSession {
  private current: WatchState = { kind: 'connecting' };
  private readonly outputListeners = new ListenerList<[data: Uint8Array]>();
  private readonly stateListeners = new ListenerList<[state: WatchState]>();
  private readonly hostSizeListeners = new ListenerList<[size: TerminalSize | undefined]>();
  private hostSize: TerminalSize | undefined;
  private connection: LiveConnection | undefined;
  private closed = false;
  /** Aborted by close(): drops a connection still being set up (see connectOnce). */
  private readonly abort = new AbortController();
  private wake: (() => void) | undefined;
  private cols: number;
  private rows: number;
  /** Passwords and passphrases given once, reused by reconnects; forgotten on close. */
  private readonly secrets = new Map<string, string>();

  constructor(
    readonly target: WatchTarget,
    private readonly prompts: WatchPrompts,
    private readonly options: WatchOptions,
  ) {
    this.cols = options.cols;
    this.rows = options.rows;
    // Start after the caller had a chance to add listeners.
    setImmediate(() => void this.run());
  }

  get state(): WatchState {
    return this.current;
  }

  onOutput(listener: (data: Uint8Array) => void): Disposable {
    return this.outputListeners.add(listener);
  }

  onState(listener: (state: WatchState) => void): Disposable {
    return this.stateListeners.add(listener);
  }

  onHostSize(listener: (size: TerminalSize | undefined) => void): Disposable {
    return this.hostSizeListeners.add(listener);
  }

  /** Cuts a reconnect delay short (the Retry now button). */
  retryNow(): void {
    this.wake?.();
  }

  private setHostSize(size: TerminalSize | undefined): void {
    if (this.closed || (size?.cols === this.hostSize?.cols && size?.rows === this.hostSize?.rows)) return;
    this.hostSize = size;
    this.hostSizeListeners.fire(size);
  }

  resize(cols: number, rows: number): void {
    if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1) return;
    this.cols = cols;
    this.rows = rows;
    this.connection?.resize(cols, rows);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.secrets.clear();
    // Nothing is reported after close(): the listeners can go with it.
    this.outputListeners.clear();
    this.stateListeners.clear();
    this.hostSizeListeners.clear();
    this.abort.abort();
    this.connection?.close();
    this.wake?.();
  }

  private setState(raw: WatchState): void {
    if (this.closed) return;
    // Messages and reasons can quote a server (errors, the last line it printed): whoever shows
    // them (the CLI's terminal, the panel's status line) gets no control character to act on.
    const state: WatchState =
      raw.kind === 'error' ? { ...raw, message: visibleText(raw.message, { lines: true }) } : raw.kind === 'reconnecting' ? { ...raw, reason: visibleText(raw.reason, { lines: true }) } : raw;
    this.current = state;
    this.stateListeners.fire(state);
  }

  private async run(): Promise<void> {
    const home = this.options.home ?? homedir();
    // A list of relays (`ID@r1:2223,r2:2223`): the first, then the others in turn.
    const endpoints: WatchEndpoint[] = [this.target, ...(this.target.alternates ?? [])];
    const verifiers = endpoints.map(
      (e) => new HostKeyVerifier(this.options.knownHostsFiles ?? defaultKnownHostsFiles(e, home), new HostKeyStore(this.options.hostKeyStorePath), this.prompts),
    );
    const reconnect = this.options.reconnect;
    let attempt = 0;
    let everLive = false;
    let index = 0;
    /** Before the first success: what each server of the list said, to give up with all of it. */
    const firstRound: string[] = [];
    while (!this.closed) {
      const endpoint = endpoints[index];
      const label = endpointLabel(endpoint);
      const siblings = endpoints.filter((e) => e !== endpoint).map((e) => ({ host: e.host, port: e.port }));
      let reason: string;
      this.setState({ kind: 'connecting' });
      try {
        const connection = await connectOnce({
          target: endpoint,
          siblings,
          size: () => ({ cols: this.cols, rows: this.rows }),
          signal: this.abort.signal,
          term: this.options.term ?? 'xterm-256color',
          verifier: verifiers[index],
          auth: {
            user: endpoint.user,
            label,
            home,
            identityFiles: endpoint.identityFiles,
            agentSocket: this.options.agentSocket === null ? undefined : (this.options.agentSocket ?? process.env.SSH_AUTH_SOCK) || undefined,
            askSecret: (prompt) => this.prompts.askSecret(prompt),
            secrets: this.secrets,
            givenPassword: this.options.password,
          },
          handshakeTimeoutMs: this.options.handshakeTimeoutMs ?? 20_000,
          keepaliveIntervalMs: this.options.keepaliveIntervalMs ?? 15_000,
          onBanner: (text) => this.prompts.showBanner?.(text),
          onOutput: (data) => {
            if (!this.closed) this.outputListeners.fire(data);
          },
          onHostSize: (size) => this.setHostSize(size),
        });
        if (this.closed) {
          connection.close();
          return;
        }
        this.connection = connection;
        const liveSince = Date.now();
        this.setState({ kind: 'live' });
        const verdict = classifyEnd(await connection.ended);
        this.connection = undefined;
        this.setHostSize(undefined); // told again by the next connection
        if (this.closed) return;
        if (verdict.kind === 'ended') {
          this.setState({ kind: 'ended' });
          return;
        }
        // Handled as a failed connection (below): the first success is a view that showed something.
        if (verdict.kind === 'refused') throw new RefusedView(`${label} ${verdict.reason}`);
        everLive = true;
        reason = endpoints.length > 1 ? `${endpointLabel(endpoint, false)}: ${verdict.reason}` : verdict.reason;
        if (Date.now() - liveSince >= ((reconnect ? reconnect.stableMs : undefined) ?? DEFAULT_STABLE_MS)) attempt = 0;
      } catch (error) {
        if (this.closed) return;
        const message = error instanceof Error ? error.message : String(error);
        // A list is given up on before any success only once every server in it failed.
        const untried = !everLive && index < endpoints.length - 1;
        if (isFinal(error, everLive) && !(untried && !isAboutIdentity(error))) {
          const said = endpoints.length > 1 && !everLive && !isAboutIdentity(error) ? [...firstRound, message].map((m) => m.replace(/\.$/, '')).join('; ') : message;
          this.setState({ kind: 'error', message: said });
          return;
        }
        if (!everLive) firstRound.push(message);
        reason = message;
      }
      if (reconnect === false && endpoints.length === 1) {
        this.setState({ kind: 'error', message: reason });
        return;
      }
      index = (index + 1) % endpoints.length;
      // A list's servers are tried one after another at once until the first success; after a
      // loss, the next one is tried after the usual backoff (so a list of dead relays is not hammered).
      if (!everLive) continue;
      if (reconnect === false) {
        this.setState({ kind: 'error', message: reason });
        return;
      }
      await this.countDown(backoffDelay(attempt++, reconnect ?? {}), reason, endpoints.length > 1 ? endpointLabel(endpoints[index], false) : undefined);
    }
  }

  /** Waits `ms`, reporting "reconnecting in N s" each second; close() cuts it short. */
  private countDown(ms: number, reason: string, to?: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const until = Date.now() + ms;
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
      const tick = (): void => {
        const left = until - Date.now();
        if (left <= 0 || this.closed) return done();
        this.setState({ kind: 'reconnecting', inSeconds: Math.ceil(left / 1000), reason, ...(to ? { to } : {}) });
        timer = setTimeout(tick, Math.min(left, ((left - 1) % 1000) + 1));
      };
      tick();
    });
  }
}
