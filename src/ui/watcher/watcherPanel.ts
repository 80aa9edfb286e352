// One watched broadcast in a webview panel: the WatchSession (src/watcher) on one side, the
// read-only xterm.js page (media/viewer.ts) on the other. Output flows one way, batched; the
// webview can only report its size, that someone tried to type, and a selection to copy.
// The panel opens the SSH session only when the webview says `ready` (so the remote pty gets
// the real size) and posts nothing before that (so no byte is lost).
import * as vscode from 'vscode';
import type { WatchPrompts, WatchSession, WatchState, WatchTarget } from '../../watcher/types';
import { DEFAULT_SIZE_MODE, parseWebviewMessage, type HostMessage, type SizeMode, type TerminalConfig, type TerminalSize, type WebviewMessage } from '../protocol';
import { OutputBatcher } from './outputBatcher';
import { buildViewerHtml, createNonce } from './watcherHtml';
import { VIEWER_VIEW_TYPE } from './viewerViewType';


export interface ViewerPanelDeps {
  extensionUri: vscode.Uri;
  openSession(target: WatchTarget, prompts: WatchPrompts, size: { cols: number; rows: number }): WatchSession;
  prompts(target: WatchTarget, title: string, closed: vscode.CancellationToken): WatchPrompts;
  terminalConfig(): TerminalConfig;
  /** Fit or my size, remembered per destination. */
  sizeModes: { get(key: string): SizeMode | undefined; set(key: string, mode: SizeMode): void };
}

export class WatcherPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private session: WatchSession | undefined;
  /** The current session's listeners: removed when it is replaced or closed. */
  private sessionListeners: vscode.Disposable[] = [];
  /** The webview's own size in cells ("my size"). */
  private size: TerminalSize | undefined;
  /** The host's terminal size, when its server tells it (src/wire/hostSize.ts). */
  private hostSize: TerminalSize | undefined;
  private sizeMode: SizeMode;
  private current: WatchState = { kind: 'connecting' };
  private ready = false;
  private disposed = false;
  private toldReadOnly = false;
  private readonly batcher: OutputBatcher;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Cancelled on close, so questions asked for this viewer (a password box) go away with it. */
  private readonly closing = new vscode.CancellationTokenSource();
  private readonly stateChanged = new vscode.EventEmitter<WatchState>();
  private readonly closed = new vscode.EventEmitter<void>();
  /** Fires on every state change (the hosts tree shows it). */
  readonly onDidChangeState = this.stateChanged.event;
  /** Fires once when the panel is closed and its session ended. */
  readonly onDidDispose = this.closed.event;

  /**
   * @param target where to connect
   * @param title  how people name it ("guest@example.org:2222"), used in prompts and as the key
   * @param label  what the tab says: the saved host's name or the alias the user picked
   * @param spec   what was typed or picked (an alias stays an alias), kept to restore the panel
   * @param panel  a panel VS Code restored after a reload; otherwise a new one is created
   */
  constructor(
    readonly target: WatchTarget,
    readonly title: string,
    readonly spec: string,
    private readonly deps: ViewerPanelDeps,
    panel?: vscode.WebviewPanel,
    readonly label = title,
  ) {
    this.sizeMode = deps.sizeModes.get(title) ?? DEFAULT_SIZE_MODE;
    const media = vscode.Uri.joinPath(deps.extensionUri, 'dist', 'media');
    this.panel = panel ?? vscode.window.createWebviewPanel(VIEWER_VIEW_TYPE, `Watching ${label}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      // A terminal's screen and scrollback live in the page: keep it while the tab is hidden.
      retainContextWhenHidden: true,
      localResourceRoots: [media],
    });
    this.panel.title = `Watching ${label}`;
    this.panel.webview.options = { enableScripts: true, localResourceRoots: [media] };
    this.panel.iconPath = {
      light: vscode.Uri.joinPath(deps.extensionUri, 'media', 'watch-light.svg'),
      dark: vscode.Uri.joinPath(deps.extensionUri, 'media', 'watch-dark.svg'),
    };
    this.batcher = new OutputBatcher((data) => this.post({ type: 'output', data }));
    this.subscriptions.push(
      this.panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (message) this.received(message);
      }),
      this.panel.onDidDispose(() => this.dispose()),
    );
    const webview = this.panel.webview;
    webview.html = buildViewerHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'viewer.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'viewer.css')).toString(),
      targetLabel: title,
      targetSpec: spec,
      config: deps.terminalConfig(),
      sizeMode: this.sizeMode,
    });
  }

  get state(): WatchState {
    return this.current;
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Retry now (reconnecting) or Watch again (ended, error). */
  retry(): void {
    if (!this.restartIfStopped()) this.session?.retryNow?.();
  }

  /** Ended or failed: watch again in the same panel (the screen stays until the host redraws). */
  restartIfStopped(): boolean {
    if (this.current.kind !== 'ended' && this.current.kind !== 'error') return false;
    this.closeSession();
    if (this.ready && this.size) this.openSession(this.size);
    return true;
  }

  /** VS Code's terminal settings or theme changed. */
  settingsChanged(): void {
    if (this.ready) this.post({ type: 'config', config: this.deps.terminalConfig() });
  }

  themeChanged(): void {
    if (this.ready) this.post({ type: 'theme' });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.closing.cancel();
    this.closing.dispose();
    this.closeSession();
    this.batcher.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.panel.dispose();
    this.closed.fire();
    this.closed.dispose();
    this.stateChanged.dispose();
  }

  /** What the remote pty should be: the host's size in fit mode (when known), else the panel's. */
  private ptySize(): TerminalSize | undefined {
    return this.sizeMode === 'fit' && this.hostSize ? this.hostSize : this.size;
  }

  /** The size mode or either size changed: tell the webview, and resize the remote pty. */
  private sizesChanged(): void {
    this.post({ type: 'size', mode: this.sizeMode, ...(this.hostSize ? { host: this.hostSize } : {}) });
    const size = this.ptySize();
    if (size) this.session?.resize(size.cols, size.rows);
  }

  private received(message: WebviewMessage): void {
    switch (message.type) {
      case 'ready':
        // Also after the webview reloaded itself: it restores its screen from its saved state.
        this.ready = true;
        this.size = { cols: message.cols, rows: message.rows };
        this.post({ type: 'config', config: this.deps.terminalConfig() });
        this.post({ type: 'state', state: this.current, target: this.title });
        this.sizesChanged();
        if (!this.session) this.openSession(this.ptySize() ?? this.size);
        this.batcher.start();
        break;
      case 'resize':
        this.size = { cols: message.cols, rows: message.rows };
        this.sizesChanged();
        break;
      case 'sizeMode':
        this.sizeMode = message.mode;
        this.deps.sizeModes.set(this.title, message.mode);
        this.sizesChanged();
        break;
      case 'retry':
        this.retry();
        break;
      case 'inputAttempt':
        // The page says so itself; the status bar repeats it once for whoever looks there.
        if (!this.toldReadOnly) {
          this.toldReadOnly = true;
          this.subscriptions.push(vscode.window.setStatusBarMessage(
            `$(lock) Watching ${this.title} is read-only: keys are not sent.`, 5000));
        }
        break;
      case 'copy':
        void vscode.env.clipboard.writeText(message.text);
        break;
    }
  }

  private openSession(size: { cols: number; rows: number }): void {
    this.setState({ kind: 'connecting' });
    let session: WatchSession;
    try {
      session = this.deps.openSession(this.target, this.deps.prompts(this.target, this.title, this.closing.token), size);
    } catch (error) {
      this.setState({ kind: 'error', message: (error as Error).message });
      return;
    }
    this.session = session;
    // Removed by closeSession(), so a replaced session's late events reach nothing here.
    this.sessionListeners = [
      session.onOutput((data) => this.batcher.push(data)),
      // A resize made while connecting needs nothing here: the session keeps the latest size
      // and the connection applies it once it is up.
      session.onState((state) => this.setState(state)),
    ];
    const hostSize = session.onHostSize?.((host) => {
      this.hostSize = host;
      this.sizesChanged();
    });
    if (hostSize) this.sessionListeners.push(hostSize);
    if (session.state.kind !== 'connecting') this.setState(session.state);
  }

  /** Ends the current session and stops listening to it. */
  private closeSession(): void {
    for (const listener of this.sessionListeners) listener.dispose();
    this.sessionListeners = [];
    this.session?.close();
    this.session = undefined;
  }

  private setState(state: WatchState): void {
    if (this.disposed) return;
    const previous = this.current;
    this.current = state;
    // An error ends the watch (a changed host key, a refused login): say so even when the tab is
    // in the background, and offer to try again. "Ended" is the broadcast's normal end: no alarm.
    if (state.kind === 'error' && previous.kind !== 'error') {
      void vscode.window.showErrorMessage(`Guest Broadcast: watching ${this.title} stopped: ${state.message}`, 'Watch again', 'Show')
        .then((choice) => {
          if (this.disposed) return;
          if (choice === 'Watch again') this.restartIfStopped();
          if (choice) this.reveal();
        });
    }
    if (this.ready) this.post({ type: 'state', state, target: this.title });
    this.stateChanged.fire(state);
  }

  private post(message: HostMessage): void {
    if (this.disposed || !this.ready) return;
    void this.panel.webview.postMessage(message);
  }
}
