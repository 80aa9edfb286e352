// One guest's SSH connection: login by the access policy, then exactly one `session` channel with
// `pty-req` + `shell` (and `window-change`), and at most one more that asks, by `exec`, for the
// host's terminal size (src/wire/hostSize.ts). Everything else a client may ask for is refused.
import { EventEmitter } from 'node:events';
import type { AuthContext, Connection, PseudoTtyInfo, ServerChannel, Session } from 'ssh2';
import { formatHostSize, HOST_SIZE_COMMAND } from '../../wire/hostSize';
import { ENDED_MESSAGE } from '../messages';
import { VIEW_EXIT } from '../../wire/viewExit';
import { AccessConfig, AuthDecision, decide, decideGiven, GivenAccess, methodsFor } from './access';
import type { AccessPolicy } from './options';
import { disconnectWithReason } from './disconnect';
import { cannotShow, GuestView } from './guestView';
import type { HostSizeSource } from '../fanout/hostSizeFeed';
import type { GroupPlacer } from '../fanout/groupPlacer';
import { Corkable } from '../fanout/guestFeed';

export interface GuestConnectionOptions {
  id: string;
  address: string;
  access: AccessConfig;
  maxAuthAttempts: number;
  /** The size groups whose tmux clients the guest's view joins (or a relay's groups). */
  groups: GroupPlacer;
  /**
   * A relay: which broadcast a user name names, asked once the access policy let the guest in.
   * A refusal is shown in the guest's terminal, then the connection ends with status 1 (75 when `tryAgain`: see wire/viewExit.ts).
   */
  admit?: (user: string) => Promise<{ groups: GroupPlacer; hostSize?: HostSizeSource } | { refusal: string; tryAgain?: boolean }>;
  /**
   * A relay: the access of the broadcast a user name names (looked up at each login request);
   * `access` is then unused. An unknown broadcast reads as open, and admit() refuses it.
   */
  accessFor?: (user: string) => Promise<GivenAccess>;
  /** Where a watcher's host-size channel reads the host's terminal size from (a relay: admit() says). */
  hostSize?: HostSizeSource;
  /** The connection's TCP socket (the view sends each write's pieces on it as one). */
  socket?: Corkable;
}

export interface GuestConnectionEvents {
  /** The view started (a viewer from now on). */
  joined: [];
  /** The view's size changed. */
  resized: [];
  /** The connection is gone. */
  closed: [];
}

/** Printable, short: the name only labels the guest in the viewer list. */
function cleanUserName(name: string): string {
  const clean = name.replace(/[^\x21-\x7e]/g, '').slice(0, 32);
  return clean || 'guest';
}

export class GuestConnection extends EventEmitter<GuestConnectionEvents> {
  user = 'guest';
  since: Date | undefined;
  view: GuestView | undefined;
  private failedAuths = 0;
  private sessionOpened = false;
  private sizeChannelOpened = false;
  private stopSizeFeed: (() => void) | undefined;
  private channel: ServerChannel | undefined;
  private ending = false;
  private closed = false;
  private finishing = false;
  private groups: GroupPlacer;
  /** The host's size for the host-size channel: the options', or (a relay) the admitted broadcast's. */
  private hostSize: HostSizeSource | undefined;
  /** A relay's refusal: shown in the view, which then ends with `exit` (VIEW_EXIT.tryAgain: for now only, watchers come back). */
  private refusal: { text: string; exit: number } | undefined;

  constructor(
    private readonly client: Connection,
    readonly options: GuestConnectionOptions,
  ) {
    super();
    this.groups = options.groups;
    this.hostSize = options.hostSize;
    client.on('error', () => undefined); // a guest's broken connection is the guest's business
    client.on('close', () => this.onClose());
    client.on('authentication', (ctx) => this.authenticate(ctx));
    client.on('session', (accept, reject) => this.openSession(accept, reject));
    // Port and socket forwarding, both directions: refused.
    client.on('tcpip', (_accept, reject) => reject());
    client.on('openssh.streamlocal', (_accept, reject) => reject());
    client.on('request', (_accept: unknown, reject: (() => void) | undefined) => reject?.());
  }

  get id(): string {
    return this.options.id;
  }

  get address(): string {
    return this.options.address;
  }

  /**
   * Ends a connection that did not get to watching in time, saying so (a guest typing the
   * passphrase slowly would otherwise see only "Connection closed"). The caller closes the socket.
   */
  tellTooSlow(text: string): boolean {
    if (this.since) return false; // watching already: not a login any more
    return disconnectWithReason(this.client, text);
  }

  private authenticate(ctx: AuthContext): void {
    const accessFor = this.options.accessFor;
    if (!accessFor) return this.settle(ctx, decide(this.options.access, ctx), this.options.access.policy);
    // A relay: the user name names the broadcast, whose registry entry says who may watch.
    void accessFor(ctx.username)
      .catch((): GivenAccess => ({ policy: 'open' })) // admit() then says what is wrong
      .then(async (access) => {
        const decision = await decideGiven(access, ctx);
        if (!this.closed) this.settle(ctx, decision, access.policy);
      });
  }

  private settle(ctx: AuthContext, decision: AuthDecision, policy: AccessPolicy): void {
    if (decision === 'accept') {
      const admit = this.options.admit;
      if (!admit) {
        this.user = cleanUserName(ctx.username);
        ctx.accept();
        return;
      }
      // A relay's user name is the broadcast id (a secret): the guest is listed as "guest".
      admit(ctx.username).then(
        (answer) => {
          if ('refusal' in answer) {
            this.refusal = { text: answer.refusal, exit: answer.tryAgain ? VIEW_EXIT.tryAgain : VIEW_EXIT.refused };
          } else {
            this.groups = answer.groups;
            this.hostSize = answer.hostSize;
          }
          if (!this.closed) ctx.accept();
        },
        () => {
          this.refusal = { text: 'Guest Broadcast: this relay cannot look the broadcast up right now. Try again in a moment.', exit: VIEW_EXIT.tryAgain };
          if (!this.closed) ctx.accept();
        },
      );
      return;
    }
    // "none" is how every client asks which methods exist: not a failed attempt.
    if (ctx.method !== 'none' && ++this.failedAuths >= this.options.maxAuthAttempts) {
      // Hang up instead of answering: a client waiting for the answer sees the disconnect at
      // once, where after a refusal OpenSSH would sit at its next password prompt. (ssh2 cannot
      // put a text in the disconnect message.)
      this.client.end();
      return;
    }
    ctx.reject(methodsFor(policy));
  }

  private openSession(accept: () => Session, reject: () => void): void {
    if (this.sessionOpened) {
      // One view per connection; a second session may only ask for the host's size.
      if (this.sizeChannelOpened || !this.hostSize) return reject();
      this.sizeChannelOpened = true;
      this.openSizeSession(accept());
      return;
    }
    this.sessionOpened = true;
    const session = accept();
    let pty: PseudoTtyInfo | undefined;

    session.on('pty', (acceptPty, rejectPty, info) => {
      if (pty || this.view) return rejectPty?.();
      pty = info;
      acceptPty?.();
    });
    session.on('window-change', (acceptChange, _reject, info) => {
      if (pty) {
        pty.cols = info.cols;
        pty.rows = info.rows;
      }
      if (this.view) {
        this.view.resize(info.cols, info.rows);
        this.emit('resized');
      }
      acceptChange?.();
    });
    session.on('shell', (acceptShell, rejectShell) => {
      if (!pty || this.view || this.closed) return rejectShell();
      const channel = acceptShell();
      this.startView(channel, pty);
    });
    // Everything else a session may ask for: refused.
    session.on('exec', (_a, reject) => reject());
    session.on('subsystem', (_a, reject) => reject());
    session.on('sftp', (_a, reject) => reject());
    session.on('env', (_a, reject) => reject?.());
    session.on('x11', (_a, reject) => reject?.());
    session.on('auth-agent', (_a, reject) => reject?.());
    session.on('signal', (_a, reject) => reject?.());
  }

  /** The host-size channel: `exec HOST_SIZE_COMMAND` and nothing else; its input is never read. */
  private openSizeSession(session: Session): void {
    let started = false;
    session.on('exec', (acceptExec, rejectExec, info) => {
      const hostSize = this.hostSize;
      if (started || this.closed || info.command !== HOST_SIZE_COMMAND || !hostSize) return rejectExec();
      started = true;
      const channel = acceptExec();
      channel.on('error', () => undefined);
      this.stopSizeFeed = hostSize.subscribe((size) => {
        if (channel.writable) channel.write(formatHostSize(size));
      });
      channel.on('close', () => this.stopSizeFeed?.());
    });
    for (const refused of ['pty', 'shell', 'subsystem', 'sftp', 'env', 'x11', 'auth-agent', 'signal', 'window-change'] as const) {
      session.on(refused, (_accept: unknown, reject?: () => void) => reject?.());
    }
  }

  private startView(channel: ServerChannel, pty: PseudoTtyInfo): void {
    this.channel = channel;
    if (this.refusal !== undefined) {
      channel.on('data', () => undefined);
      channel.write(`\r\n${this.refusal.text}\r\n`);
      this.finish(this.refusal.exit);
      return;
    }
    try {
      this.view = new GuestView(channel, this.groups, { term: pty.term, cols: pty.cols, rows: pty.rows, socket: this.options.socket }, (code) => {
        if (this.ending) return;
        // The group's tmux client ended by itself: the session's shell exited or the broadcast's
        // tmux server went away. Either way the broadcast is over for this guest, so say so rather
        // than leave tmux's "[lost server]" as the last word (end() skips it when tmux already
        // said it). The exit status stays tmux's, so a watcher still tells a crash (non-zero: try
        // again) from a clean end.
        // (A relay's group that ended for a reason of its own says that reason instead.)
        void this.view?.end(this.view.exitReason ?? ENDED_MESSAGE);
        this.finish(code);
      });
    } catch (error) {
      // node-pty missing or broken: tell the guest rather than hanging up without a word.
      channel.write(cannotShow(error));
      this.finish(1);
      return;
    }
    this.since = new Date();
    this.emit('joined');
  }

  /** Ends the guest's view with a one-line message and closes the connection. */
  async end(message: string, exitStatus = 0): Promise<void> {
    if (this.closed || this.ending) return;
    this.ending = true;
    const gone = new Promise<void>((resolve) => {
      if (this.closed) return resolve();
      const timer = setTimeout(resolve, 3000);
      timer.unref();
      this.once('closed', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (this.view) {
      await this.view.end(message);
      this.finish(exitStatus);
    } else {
      this.client.end();
    }
    // Resolve once the guest has its last bytes and exit status (bounded): a stop that ends the
    // process right after must not cut them off.
    await gone;
  }

  private finish(code: number): void {
    // Once: a second call (stop racing the group's own end) must not hang up before the guest
    // has the exit status.
    if (this.finishing) return;
    this.finishing = true;
    const channel = this.channel;
    if (!channel || !channel.writable) {
      this.client.end();
      return;
    }
    // One view per connection: once the guest has the last bytes and the exit status, hang up.
    const hangUp = setTimeout(() => this.client.end(), 2000);
    hangUp.unref();
    channel.once('close', () => {
      clearTimeout(hangUp);
      this.client.end();
    });
    try {
      channel.exit(code);
      channel.end();
    } catch {
      this.client.end(); // the guest already went away
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopSizeFeed?.();
    this.view?.leave();
    this.emit('closed');
  }
}
