// One browser guest: a WebSocket that speaks src/wire/webGuestProtocol.ts. The page says how big a
// terminal it shows (and gives the passphrase when asked); the guest then joins the size group of
// that size, like an SSH guest, and its output goes out through its own GuestFeed.
//
// THE READ-ONLY GUARANTEE OF THE BROWSER ROUTE LIVES HERE: a page's message is parsed by
// parsePageMessage and can only be a size or the passphrase; anything else (binary frames, bad
// JSON, unknown types, oversize, a flood) closes the socket. Nothing a page sends is ever written
// to tmux: this class has no path to a pty, and its group's client is a ReadOnlyTerminal.
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { CLOSE_NORMAL, CLOSE_POLICY, parsePageMessage, ServerMessage, TerminalSize, WebEndReason } from '../../wire/webGuestProtocol';
import { ENDED_MESSAGE } from '../messages';
import type { GroupMember } from '../fanout/sizeGroup';
import type { GroupPlacer, PlacedGroup } from '../fanout/groupPlacer';
import { GuestFeed } from '../fanout/guestFeed';
import { guestTerm } from '../fanout/terminal';
import { clampSize } from '../guestWindow';
import { cannotShow } from '../embedded/guestView';
import type { HostSizeSource } from '../fanout/hostSizeFeed';
import { WebSocketSink } from './webSocketSink';

/** What xterm.js in the page is. */
const PAGE_TERM = 'xterm-256color';
/** A resize is applied once the page's size has held this long (a window being dragged sends many). */
const RESIZE_SETTLE_MS = 150;
/** A socket that said goodbye and does not close is cut after this. */
const CLOSE_GRACE_MS = 2000;
/** A ping every so often; a guest that did not answer the last one is gone. */
const PING_MS = 30_000;

export interface WebGuestOptions {
  id: string;
  address: string;
  /** The link secret the guest came with: when the host makes a new link, guests holding the old one are dropped. */
  secret: string;
  session: string;
  /** The fan-out it joins: the host's size groups, or a relay's groups of the broadcast. */
  groups: GroupPlacer;
  hostSize: HostSizeSource;
  /** undefined: no passphrase asked. Else checks one attempt (constant time, read at each attempt). */
  checkPassphrase: ((value: string) => boolean | Promise<boolean>) | undefined;
  maxAuthAttempts: number;
  handshakeTimeoutMs: number;
  messagesPerSecond: number;
  /** The socket the WebSocket runs on (its 'drain', its cork). */
  socket: Socket;
}

export interface WebGuestEvents {
  joined: [];
  resized: [];
  /** The socket closed; `reason` is why the view ended, when it did on our side. */
  closed: [reason: string];
}

export class WebGuest extends EventEmitter<WebGuestEvents> implements GroupMember {
  readonly feed: GuestFeed;
  readonly user = 'browser';
  since: Date | undefined;
  cols = 0;
  rows = 0;
  private authorized: boolean;
  private failedAttempts = 0;
  /** A passphrase is being checked (async on a relay). */
  private checking = false;
  private wanted: TerminalSize | undefined;
  private group: PlacedGroup | undefined;
  private ended = false;
  private closed = false;
  private endReason = 'left';
  private readonly loginTimer: NodeJS.Timeout;
  private resizeTimer: NodeJS.Timeout | undefined;
  private readonly pingTimer: NodeJS.Timeout;
  private awaitingPong = false;
  private stopHostSize: (() => void) | undefined;
  /** Token bucket for page messages. */
  private tokens: number;
  private lastRefill = Date.now();

  constructor(
    private readonly ws: WebSocket,
    readonly options: WebGuestOptions,
  ) {
    super();
    this.authorized = options.checkPassphrase === undefined;
    this.tokens = options.messagesPerSecond * 2;
    this.feed = new GuestFeed(new WebSocketSink(ws, options.socket), options.socket);
    ws.on('error', () => undefined); // a guest's broken socket is the guest's business
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => this.onClose());
    ws.on('pong', () => (this.awaitingPong = false));
    this.loginTimer = setTimeout(() => this.tooSlow(), options.handshakeTimeoutMs);
    this.loginTimer.unref();
    this.pingTimer = setInterval(() => this.ping(), PING_MS);
    this.pingTimer.unref();
    this.send({ type: 'hello', session: options.session, host: null, passphrase: this.authorized ? 'none' : 'required' });
    if (this.authorized) this.followHostSize();
  }

  get id(): string {
    return this.options.id;
  }

  get address(): string {
    return this.options.address;
  }

  get secret(): string {
    return this.options.secret;
  }

  /** Ends the view: the page is told why (and shows `message`), then the socket closes. */
  end(reason: WebEndReason, message: string, code = CLOSE_NORMAL): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      this.endReason = reason;
      this.leaveGroup();
      this.send({ type: 'end', reason, message });
      this.closeSocket(code, reason);
    }
    return this.whenClosed();
  }

  /** The group's tmux client ended by itself (the session's shell exited, tmux went away). */
  onGroupExit(code: number, _tail?: string, reason?: string): void {
    this.group = undefined;
    if (this.ended) return;
    // A clean end (0) is over; anything else was lost, and the page keeps trying (saying why).
    void this.end(code === 0 ? 'stopped' : 'lost', reason ?? ENDED_MESSAGE);
  }

  private onMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (this.ended) return;
    if (isBinary) return this.refuse('binary frames are not accepted');
    if (!this.takeToken()) return this.refuse('too many messages');
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    const message = parsePageMessage(text);
    if (typeof message === 'string') return this.refuse(message);
    if (message.type === 'passphrase') return this.onPassphrase(message.value);
    this.wanted = { cols: message.cols, rows: message.rows };
    if (!this.authorized) return;
    if (!this.group && !this.since) return this.join();
    if (this.resizeTimer) clearTimeout(this.resizeTimer);
    this.resizeTimer = setTimeout(() => this.applyResize(), RESIZE_SETTLE_MS);
    this.resizeTimer.unref();
  }

  private onPassphrase(value: string): void {
    const check = this.options.checkPassphrase;
    if (!check || this.authorized) return this.refuse('no passphrase was asked for');
    // One attempt at a time: a relay's check is an async scrypt, and attempts sent meanwhile
    // would otherwise all be checked (and counted) at once.
    if (this.checking) return this.refuse('a passphrase was sent before the last one was answered');
    const verdict = check(value);
    if (typeof verdict === 'boolean') return this.passphraseChecked(verdict);
    this.checking = true;
    verdict.then(
      (ok) => {
        this.checking = false;
        if (!this.closed) this.passphraseChecked(ok);
      },
      () => {
        this.checking = false;
        if (!this.closed) this.passphraseChecked(false);
      },
    );
  }

  private passphraseChecked(ok: boolean): void {
    if (ok) {
      this.authorized = true;
      this.send({ type: 'hello', session: this.options.session, host: null, passphrase: 'accepted' });
      this.followHostSize();
      if (this.wanted) this.join();
      return;
    }
    this.failedAttempts++;
    const left = this.options.maxAuthAttempts - this.failedAttempts;
    if (left <= 0) {
      void this.end('refused', 'Guest Broadcast: too many wrong passphrases. Ask the host for the passphrase, then reload the page.', CLOSE_POLICY);
      return;
    }
    this.send({ type: 'passphraseRefused', attemptsLeft: left });
  }

  private join(): void {
    if (!this.wanted) return;
    const size = clampSize(this.wanted.cols, this.wanted.rows);
    this.cols = size.cols;
    this.rows = size.rows;
    try {
      this.group = this.options.groups.place(this, size.cols, size.rows, guestTerm(PAGE_TERM), (text) => this.send({ type: 'notice', text })).group;
    } catch (error) {
      // node-pty missing or broken: tell the guest rather than hanging up without a word.
      void this.end('lost', cannotShow(error).trim());
      return;
    }
    clearTimeout(this.loginTimer);
    if (!this.since) {
      this.since = new Date();
      this.emit('joined');
    }
  }

  /** The page's size changed: it moves to the group of its new size (the host's window never changes). */
  private applyResize(): void {
    this.resizeTimer = undefined;
    if (this.ended || !this.wanted || !this.group) return;
    const size = clampSize(this.wanted.cols, this.wanted.rows);
    if (size.cols === this.cols && size.rows === this.rows) return;
    this.group.remove(this);
    this.group = undefined;
    this.join();
    this.emit('resized');
  }

  private followHostSize(): void {
    this.stopHostSize = this.options.hostSize.subscribe((size) => this.send({ type: 'hostSize', size }));
  }

  private tooSlow(): void {
    const seconds = Math.round(this.options.handshakeTimeoutMs / 1000);
    const what = this.authorized ? 'say its size' : 'be given the passphrase';
    void this.end('refused', `Guest Broadcast: the page took longer than ${seconds} s to ${what}. Reload the page to try again.`, CLOSE_POLICY);
  }

  /** A message the page may not send: the socket closes with the reason (no 'end': the page broke the protocol). */
  private refuse(reason: string): void {
    this.ended = true;
    this.endReason = `refused: ${reason}`;
    this.leaveGroup();
    this.closeSocket(CLOSE_POLICY, reason);
  }

  private takeToken(): boolean {
    const now = Date.now();
    const rate = this.options.messagesPerSecond;
    this.tokens = Math.min(rate * 2, this.tokens + ((now - this.lastRefill) / 1000) * rate);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }

  private ping(): void {
    if (this.awaitingPong) {
      this.endReason = 'lost (no answer to ping)';
      this.ws.terminate();
      return;
    }
    this.awaitingPong = true;
    try {
      this.ws.ping();
    } catch {
      // closing already
    }
  }

  private send(message: ServerMessage): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private closeSocket(code: number, reason: string): void {
    // A close reason is at most 123 bytes.
    const text = Buffer.from(reason, 'utf8').subarray(0, 120).toString('utf8').replace(/\uFFFD+$/, '');
    try {
      this.ws.close(code, text);
    } catch {
      this.ws.terminate();
    }
    const cut = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    cut.unref();
  }

  private leaveGroup(): void {
    clearTimeout(this.loginTimer);
    if (this.resizeTimer) clearTimeout(this.resizeTimer);
    this.stopHostSize?.();
    this.stopHostSize = undefined;
    this.group?.remove(this);
    this.group = undefined;
    this.feed.stop();
  }

  private whenClosed(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.once('closed', () => resolve()));
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.ended = true;
    clearInterval(this.pingTimer);
    this.leaveGroup();
    this.emit('closed', this.endReason);
  }
}
