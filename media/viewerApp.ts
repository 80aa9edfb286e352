// The read-only viewer: an xterm.js terminal that shows what its channel delivers. The VS Code
// webview (viewer.ts) and the browser route's page (web.ts) both run it; only the channel differs
// (channel.ts). Nothing typed here leaves the page: see readOnlyInput.ts, and note that nobody
// subscribes to the terminal's onData/onBinary, so even the replies xterm.js makes to terminal
// queries go nowhere.
import { Terminal, type ITerminalOptions } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { WebglAddon } from '@xterm/addon-webgl';
import { SerializeAddon } from '@xterm/addon-serialize';
import type { SizeMode, TerminalConfig, TerminalSize } from '../src/ui/protocol';
import type { ChannelMessage, ViewerChannel } from './channel';
import { guardHostSequences } from './hostSequences';
import { keepLastScreen } from './keepLastScreen';
import { makeReadOnly } from './readOnlyInput';
import { SearchBox } from './searchBox';
import { fitToHost, fitToPanel } from './sizeFit';
import { keepAltBufferInStep } from './altBufferCapacity';
import { StatusLine } from './statusLine';
import { themeFromCss, watchTheme } from './theme';

/** What the page around the viewer may still do with it. */
export interface Viewer {
  readonly terminal: Terminal;
}

/** Builds the viewer in the page's #terminal and its footer. The caller has run
 * stampStyleNonces() first (xterm.js creates <style> elements here). */
export function startViewer(channel: ViewerChannel): Viewer {
  const post = channel.post.bind(channel);
  const target = document.body.dataset.target ?? '';
  const spec = document.body.dataset.spec ?? target;
  const container = document.getElementById('terminal') as HTMLElement;
  const notice = document.getElementById('notice') as HTMLElement;
  const status = new StatusLine(target, () => post({ type: 'retry' }), () => setSizeMode(sizeMode === 'fit' ? 'mine' : 'fit'));

  const rootStyle = getComputedStyle(document.documentElement);
  const fallbackFont = () => rootStyle.getPropertyValue('--vscode-editor-font-family').trim() || 'monospace';

  function optionsFrom(config: TerminalConfig): ITerminalOptions {
    return {
      fontFamily: config.fontFamily || fallbackFont(),
      fontSize: config.fontSize,
      lineHeight: config.lineHeight,
      letterSpacing: config.letterSpacing,
      fontWeight: config.fontWeight as ITerminalOptions['fontWeight'],
      fontWeightBold: config.fontWeightBold as ITerminalOptions['fontWeightBold'],
      scrollback: config.scrollback,
      cursorBlink: config.cursorBlink,
      minimumContrastRatio: config.minimumContrastRatio,
      screenReaderMode: config.screenReaderMode,
    };
  }

  /** The settings the panel baked into the page, so the first fit (and the remote pty) has the
   * right font size; without them, the editor's font until the first config message. */
  function initialConfig(): TerminalConfig | undefined {
    try {
      const config = JSON.parse(document.body.dataset.config ?? '') as TerminalConfig;
      return typeof config.fontSize === 'number' ? config : undefined;
    } catch {
      return undefined;
    }
  }

  const startConfig = initialConfig();
  const terminal = new Terminal({
    disableStdin: true,
    allowProposedApi: true, // the search addon's match decorations
    scrollback: 5000,
    fontFamily: fallbackFont(),
    fontSize: Number.parseInt(rootStyle.getPropertyValue('--vscode-editor-font-size'), 10) || 14,
    ...(startConfig ? optionsFrom(startConfig) : {}),
    theme: themeFromCss(),
    // Links come from the host: never opened (OSC 8 is swallowed; plain URLs are not linkified).
    linkHandler: null,
  });
  guardHostSequences(terminal);
  keepAltBufferInStep(terminal);

  const fit = new FitAddon();
  terminal.loadAddon(fit);
  const serializer = new SerializeAddon();
  terminal.loadAddon(serializer);
  keepLastScreen(terminal, serializer);
  terminal.open(container);
  const search = new SearchBox(terminal);

  // --- renderer: WebGL where the machine has it, the DOM renderer otherwise -----------------------
  let webgl: WebglAddon | undefined;
  function setRenderer(gpu: TerminalConfig['gpuAcceleration']): void {
    if (gpu === 'off') {
      webgl?.dispose();
      webgl = undefined;
    } else if (!webgl) {
      try {
        const addon = new WebglAddon();
        addon.onContextLoss(() => {
          // The GPU process went away: drop back to the DOM renderer rather than a blank terminal.
          addon.dispose();
          if (webgl === addon) webgl = undefined;
          document.body.dataset.renderer = 'dom';
        });
        terminal.loadAddon(addon);
        webgl = addon;
      } catch {
        webgl = undefined; // no WebGL2 here: the DOM renderer stays
      }
    }
    document.body.dataset.renderer = webgl ? 'webgl' : 'dom';
  }
  setRenderer(startConfig?.gpuAcceleration ?? 'auto');

  // --- read-only input ----------------------------------------------------------------------------
  let toldReadOnly = false;
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  function showNotice(text: string): void {
    notice.textContent = text;
    notice.hidden = false;
    if (noticeTimer !== undefined) clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { notice.hidden = true; }, 4000);
  }
  makeReadOnly(terminal, {
    copy: (text) => {
      post({ type: 'copy', text });
      showNotice('Copied');
    },
    find: () => search.open(),
    inputAttempted: () => {
      if (toldReadOnly) return;
      toldReadOnly = true;
      showNotice(`Read-only: what you type is not sent to ${target}.`);
      post({ type: 'inputAttempt' });
    },
  });
  document.getElementById('status-search')?.addEventListener('click', () => search.open());
  window.addEventListener('focus', () => {
    // Not while a field of the page has the focus (Find, the web page's passphrase).
    if (document.activeElement instanceof HTMLInputElement) return;
    if (document.getElementById('search')?.hidden !== false) terminal.focus();
  });

  // --- size: fit the host's screen, or my size (see sizeFit.ts) ---------------------------------
  let sizeMode: SizeMode = document.body.dataset.sizeMode === 'mine' ? 'mine' : 'fit';
  let hostSize: TerminalSize | undefined;
  /** The terminal font from the settings; fit mode scales from it. */
  let baseFontSize = terminal.options.fontSize ?? 14;
  /** The panel's own size in cells at the terminal font, as last told to the extension host. */
  let sent = { cols: 0, rows: 0 };
  let mine: TerminalSize | undefined;

  function layout(kind: 'ready' | 'resize'): void {
    if (sizeMode === 'fit' && hostSize) {
      fitToHost(terminal, hostSize, baseFontSize);
      document.body.dataset.fitted = 'host';
    } else {
      mine = fitToPanel(terminal, fit, baseFontSize);
      document.body.dataset.fitted = 'panel';
    }
    status.showSize(sizeMode, hostSize, mine);
    // "my size" is only measured at the terminal font; in fit mode the last measure stands.
    if (!mine) return;
    if (kind === 'resize' && mine.cols === sent.cols && mine.rows === sent.rows) return;
    sent = { ...mine };
    post({ type: kind, cols: mine.cols, rows: mine.rows });
  }

  function setSizeMode(mode: SizeMode): void {
    if (mode === sizeMode) return;
    sizeMode = mode;
    document.body.dataset.sizeMode = mode;
    post({ type: 'sizeMode', mode });
    layout('resize');
  }

  let fitQueued = false;
  new ResizeObserver(() => {
    if (fitQueued || sent.cols === 0) return;
    fitQueued = true;
    requestAnimationFrame(() => {
      fitQueued = false;
      // A new panel size also changes "my size": measure it at the terminal font first.
      if (sizeMode === 'fit' && hostSize) mine = measureMine();
      layout('resize');
    });
  }).observe(container);

  /** "my size" while the terminal shows the host's size: the FitAddon's proposal scaled back. */
  function measureMine(): TerminalSize | undefined {
    const proposed = fit.proposeDimensions();
    const scale = (terminal.options.fontSize ?? baseFontSize) / baseFontSize;
    if (!proposed) return mine;
    return { cols: Math.max(2, Math.floor(proposed.cols * scale)), rows: Math.max(1, Math.floor(proposed.rows * scale)) };
  }

  // --- theme and settings -------------------------------------------------------------------------
  watchTheme(() => { terminal.options.theme = themeFromCss(); });

  function applyConfig(config: TerminalConfig): void {
    // Setting an option to its current value is a no-op in xterm.js, so a repeated config is cheap.
    Object.assign(terminal.options, optionsFrom(config));
    baseFontSize = config.fontSize;
    setRenderer(config.gpuAcceleration);
    layout('resize');
  }

  // --- saved screen: survives a webview reload --------------------------------------------------
  const SAVE_EVERY_MS = 2000;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  function scheduleSave(): void {
    const saveState = channel.saveState?.bind(channel);
    if (!saveState) return; // nowhere to keep it: no serialisation either
    if (saveTimer !== undefined) return; // at most one serialisation per interval, even under load
    saveTimer = setTimeout(() => {
      saveTimer = undefined;
      saveState({ version: 1, spec, screen: serializer.serialize({ scrollback: 500 }) });
    }, SAVE_EVERY_MS);
  }
  const saved = channel.loadState();
  if (saved?.screen) terminal.write(saved.screen);
  // Saved at once (without a screen) so that a panel restored by VS Code knows what it watched.
  if (!saved) channel.saveState?.({ version: 1, spec });

  // --- messages from the channel (the extension host, or the web page's server) ---------------------------------------------------
  function toBytes(data: unknown): Uint8Array | undefined {
    if (data instanceof Uint8Array) return data;
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (Array.isArray(data)) return Uint8Array.from(data as number[]);
    return undefined;
  }

  channel.onMessage((message: ChannelMessage) => {
    switch (message.type) {
      case 'output': {
        const bytes = toBytes(message.data);
        if (bytes && bytes.length > 0) {
          terminal.write(bytes);
          scheduleSave();
        }
        break;
      }
      case 'state':
        status.show(message.state, message.target);
        status.showSize(sizeMode, hostSize, mine);
        break;
      case 'theme':
        terminal.options.theme = themeFromCss();
        break;
      case 'config':
        applyConfig(message.config);
        break;
      case 'size':
        sizeMode = message.mode;
        document.body.dataset.sizeMode = message.mode;
        hostSize = message.host;
        layout('resize');
        break;
      case 'notice':
        showNotice(message.text);
        break;
    }
  });

  // --- test hooks: only when the page was built with them (the Chromium test), never in VS Code ----
  if (document.body.dataset.testHooks === '1') {
    // What the escape-sequence policy must keep from happening, as the test reads it.
    const titles: string[] = [];
    terminal.onTitleChange((title) => titles.push(title));
    Object.assign(window, {
      guestBroadcastViewer: {
        titles: () => titles,
        modes: () => ({ mouseTracking: terminal.modes.mouseTrackingMode, sendFocus: terminal.modes.sendFocusMode }),
        /** Every buffer line (scrollback and screen), trailing spaces trimmed. */
        lines(): string[] {
          const buffer = terminal.buffer.active;
          const out: string[] = [];
          for (let y = 0; y < buffer.length; y++) out.push(buffer.getLine(y)?.translateToString(true) ?? '');
          return out;
        },
        /** Resolves once xterm.js has parsed everything written so far. */
        flushed(): Promise<void> {
          return new Promise((resolve) => terminal.write('', resolve));
        },
        size: () => ({ cols: terminal.cols, rows: terminal.rows }),
        fontSize: () => terminal.options.fontSize,
        selection: () => terminal.getSelection(),
        /** One cell of the screen: its text and foreground colour (palette index or RGB). */
        cell(x: number, y: number) {
          const buffer = terminal.buffer.active;
          const cell = buffer.getLine(buffer.viewportY + y)?.getCell(x);
          return cell ? { chars: cell.getChars(), fg: cell.getFgColor(), palette: cell.isFgPalette() } : undefined;
        },
        options: () => ({ fontFamily: terminal.options.fontFamily, fontSize: terminal.options.fontSize, theme: terminal.options.theme }),
      },
    });
  }

  layout('ready');
  terminal.focus();
  return { terminal };
}
