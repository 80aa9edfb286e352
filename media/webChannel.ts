// The web page's channel: the viewer's messages over a WebSocket to the host's browser route,
// speaking src/wire/webGuestProtocol.ts. It plays the part the VS Code panel plays for the
// webview (src/ui/watcher/watcherPanel.ts): it tracks the size mode and both sizes, tells the
// viewer what to show, and says how big a terminal the page wants.
//
// Read-only: the only thing that ever goes out is a PageMessage through send(), and the only
// PageMessages are the terminal size and the passphrase. Keys, paste, IME text and xterm.js's
// query replies have no way out (the viewer never reads them, and no message carries them);
// an attempt to type stays a local hint.
import type { SizeMode, TerminalSize, WatchState, WebviewMessage } from '../src/ui/protocol';
import { CLOSE_NORMAL, CLOSE_POLICY, type PageMessage, type ServerMessage } from '../src/wire/webGuestProtocol';
import { isWithinSizeLimits, MAX_COLS, MAX_ROWS, MIN_COLS, MIN_ROWS } from '../src/wire/terminalSizeLimits';
import type { ChannelMessage, SavedState, ViewerChannel } from './channel';
import { copyText } from './clipboard';
import { parseServerMessage } from './serverMessages';

/** How the page asks for the passphrase (passphraseForm.ts). */
export interface PassphrasePrompt {
  show(): void;
  hide(): void;
  refused(attemptsLeft: number): void;
  ended(message: string): void;
  interrupted(): void;
}

/** Reconnect delays: 1 s doubling to 30 s, ±20 %; a view live for 10 s starts again at 1 s. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
  jitter: number;
  stableMs: number;
}
const BACKOFF: Backoff = { initialMs: 1000, maxMs: 30_000, jitter: 0.2, stableMs: 10_000 };

export interface WebChannelOptions {
  /** The page's WebSocket (see socketUrl()). */
  url: string;
  /** The session name, for the status line. */
  target: string;
  sizeMode: SizeMode;
  /** The user switched modes (the page remembers it). */
  sizeModeChanged?(mode: SizeMode): void;
  /** Set later by the page (the form needs the channel to submit). */
  prompt?: PassphrasePrompt;
}

/** The socket next to the page: /w/SECRET/ -> ws(s)://host/w/SECRET/socket (webPaths). */
export function socketUrl(page: Location): string {
  const url = new URL(page.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.pathname += 'socket';
  url.search = '';
  url.hash = '';
  return url.href;
}

/** A size the server accepts: the page's own size is held to the shared limits, not refused. */
function clampSize(size: TerminalSize): TerminalSize {
  return {
    cols: Math.min(MAX_COLS, Math.max(MIN_COLS, Math.floor(size.cols))),
    rows: Math.min(MAX_ROWS, Math.max(MIN_ROWS, Math.floor(size.rows))),
  };
}

export class WebChannel implements ViewerChannel {
  prompt: PassphrasePrompt | undefined;
  private listener: ((message: ChannelMessage) => void) | undefined;
  private socket: WebSocket | undefined;
  /** The server let this socket's view start (no passphrase, or accepted): sizes and screen flow. */
  private admitted = false;
  /** Ended for good (stopped, kicked, refused, a policy close): no reconnect until Watch again. */
  private final = false;
  private endMessage: string | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private delayMs = BACKOFF.initialMs;
  private liveSince = 0;
  /** The current socket opened (a failed handshake closes without ever opening). */
  private opened = false;
  private mode: SizeMode;
  private hostSize: TerminalSize | undefined;
  private mine: TerminalSize | undefined;
  private sentSize: TerminalSize | undefined;
  private target: string;
  /** The accepted passphrase, in memory only, sent again once after a reconnect. */
  private passphrase: string | undefined;
  private offered: string | undefined;

  constructor(private readonly options: WebChannelOptions) {
    this.mode = options.sizeMode;
    this.target = options.target;
    this.prompt = options.prompt;
    // The page's colours follow the system's light/dark setting (web.css), like VS Code's theme.
    window.matchMedia('(prefers-color-scheme: light)').addEventListener('change', () => this.emit({ type: 'theme' }));
    window.addEventListener('online', () => {
      if (this.retryTimer !== undefined) this.connectNow();
    });
  }

  onMessage(listener: (message: ChannelMessage) => void): void {
    this.listener = listener;
  }

  /** A browser page keeps no screen across reloads: the server sends a fresh one on join. */
  loadState(): SavedState | undefined {
    return undefined;
  }

  post(message: WebviewMessage): void {
    switch (message.type) {
      case 'ready':
        this.mine = { cols: message.cols, rows: message.rows };
        this.sizesChanged();
        if (!this.socket && this.retryTimer === undefined) this.connect();
        break;
      case 'resize':
        this.mine = { cols: message.cols, rows: message.rows };
        this.sizesChanged();
        break;
      case 'sizeMode':
        this.mode = message.mode;
        this.options.sizeModeChanged?.(message.mode);
        this.sizesChanged();
        break;
      case 'retry':
        this.connectNow();
        break;
      case 'inputAttempt':
        // The viewer shows its read-only hint; nothing about it leaves the page.
        break;
      case 'copy':
        void copyText(message.text).then((copied) => {
          if (!copied) this.emit({ type: 'notice', text: 'The browser did not allow copying: use its Copy menu item.' });
        });
        break;
    }
  }

  /** The passphrase form was submitted. */
  submitPassphrase(value: string): void {
    this.offered = value;
    this.send({ type: 'passphrase', value });
  }

  // --- the socket ------------------------------------------------------------------------------

  private connectNow(): void {
    if (this.socket && !this.final) return; // connected or connecting already
    this.final = false;
    this.connect();
  }

  private connect(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    // Watch again before the ended socket closed: that one is done with.
    this.socket?.close(CLOSE_NORMAL);
    this.opened = false;
    this.admitted = false;
    this.sentSize = undefined;
    this.endMessage = undefined;
    this.offered = undefined;
    this.setState({ kind: 'connecting' });
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.options.url);
    } catch (error) {
      this.final = true;
      this.setState({ kind: 'error', message: (error as Error).message });
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.addEventListener('open', () => {
      if (this.socket === socket) this.opened = true;
    });
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (this.socket !== socket) return;
      if (event.data instanceof ArrayBuffer) {
        // Screen bytes only once the view is admitted (the server sends none before either).
        if (this.admitted) this.emit({ type: 'output', data: new Uint8Array(event.data) });
        return;
      }
      if (typeof event.data !== 'string') return;
      const message = parseServerMessage(event.data);
      if (message) this.received(message);
    });
    socket.addEventListener('close', (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.closed(event);
    });
  }

  private received(message: ServerMessage): void {
    switch (message.type) {
      case 'hello':
        this.target = message.session || this.target;
        this.hostSize = message.host ?? undefined;
        if (message.passphrase === 'required') {
          this.admitted = false;
          if (this.passphrase !== undefined && this.offered === undefined) {
            // Back after a dropped connection: the passphrase that worked a moment ago, once.
            this.submitPassphrase(this.passphrase);
          } else {
            this.prompt?.show();
          }
          this.sizesChanged();
          return;
        }
        if (message.passphrase === 'accepted' && this.offered !== undefined) this.passphrase = this.offered;
        this.admitted = true;
        this.liveSince = Date.now();
        this.prompt?.hide();
        this.setState({ kind: 'live' });
        this.sizesChanged();
        break;
      case 'hostSize':
        this.hostSize = message.size;
        this.sizesChanged();
        break;
      case 'passphraseRefused':
        this.passphrase = undefined;
        this.offered = undefined;
        this.prompt?.refused(message.attemptsLeft);
        break;
      case 'notice':
        this.emit({ type: 'notice', text: message.text });
        break;
      case 'end':
        this.endMessage = message.message;
        // 'lost': the host dropped this view (it fell too far behind, the session restarted):
        // come back. The others are decisions: stay ended.
        if (message.reason !== 'lost') {
          this.final = true;
          this.prompt?.ended(message.message);
          this.setState({ kind: 'ended', ...(message.message ? { message: message.message } : {}) });
        }
        break;
    }
  }

  private closed(event: CloseEvent): void {
    this.admitted = false;
    if (this.final) return;
    if (event.code === CLOSE_POLICY) {
      // The server refused something this page sent: trying again would do the same.
      this.final = true;
      this.setState({ kind: 'error', message: `the host closed the connection (${event.reason || 'policy violation'})` });
      return;
    }
    this.prompt?.interrupted();
    if (this.liveSince && Date.now() - this.liveSince >= BACKOFF.stableMs) this.delayMs = BACKOFF.initialMs;
    this.liveSince = 0;
    const delay = Math.round(this.delayMs * (1 + BACKOFF.jitter * (Math.random() * 2 - 1)));
    this.delayMs = Math.min(BACKOFF.maxMs, this.delayMs * 2);
    // A socket that never opened: the host is down, unreachable, or no longer serves this link
    // (the browser does not tell which).
    const reason = this.endMessage ?? (event.reason || (this.opened ? 'the connection to the host dropped' : 'cannot reach the host, or this link is no longer valid'));
    this.setState({ kind: 'reconnecting', inSeconds: Math.ceil(delay / 1000), reason });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, delay);
  }

  // --- sizes -----------------------------------------------------------------------------------

  /** Like the panel: tell the viewer the mode and host size, then the server the size wanted. */
  private sizesChanged(): void {
    this.emit({ type: 'size', mode: this.mode, ...(this.hostSize ? { host: this.hostSize } : {}) });
    const wanted = this.mode === 'fit' && this.hostSize ? this.hostSize : this.mine;
    if (!wanted || !this.admitted) return;
    const size = clampSize(wanted);
    if (!isWithinSizeLimits(size.cols, size.rows)) return;
    if (this.sentSize && this.sentSize.cols === size.cols && this.sentSize.rows === size.rows) return;
    this.sentSize = size;
    this.send({ type: 'size', cols: size.cols, rows: size.rows });
  }

  // --- the only ways out -----------------------------------------------------------------------

  /** Everything the page sends goes through here, typed as a PageMessage (size or passphrase). */
  private send(message: PageMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private emit(message: ChannelMessage): void {
    this.listener?.(message);
  }

  private setState(state: WatchState): void {
    this.emit({ type: 'state', state, target: this.target });
  }
}
