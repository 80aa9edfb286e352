// Serves the viewer panel's real HTML (buildViewerHtml) and the real bundle (dist/media) from a
// loopback origin, and opens it in headless Debian Chromium with a stand-in for VS Code's
// acquireVsCodeApi that records every message the webview posts.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildViewerHtml, createNonce } from '../../src/ui/watcher/watcherHtml';
import type { HostMessage, TerminalConfig, WebviewMessage } from '../../src/ui/protocol';

export const CHROMIUM = '/usr/bin/chromium';
const MEDIA = join(__dirname, '..', '..', '..', 'dist', 'media');

export function skipReason(): string | false {
  if (!existsSync(CHROMIUM)) return 'needs Debian chromium (apt-get install chromium)';
  return false;
}

/** What the page exposes to the test (see the test hooks at the end of media/viewer.ts). */
export interface PageWindow {
  guestBroadcastViewer: {
    lines(): string[];
    flushed(): Promise<void>;
    size(): { cols: number; rows: number };
    selection(): string;
    options(): { fontFamily?: string; fontSize?: number; theme?: { background?: string } };
    titles(): string[];
    modes(): { mouseTracking: string; sendFocus: boolean };
  };
  /** Set by the stand-in below. */
  posted: WebviewMessage[];
  savedState: unknown;
  clipboardCalls: string[];
  cspViolations: string[];
  postMessage(message: unknown, targetOrigin: string): void;
}

// Runs in the page before any of its scripts. Records posts, state, clipboard use and CSP
// violations; the clipboard is replaced by recorders so a write from anywhere is visible.
const STAND_IN = `(() => {
  const initial = __INITIAL_STATE__;
  let state = initial;
  let acquired = false;
  window.posted = [];
  window.savedState = undefined;
  window.clipboardCalls = [];
  window.cspViolations = [];
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage: (m) => { window.posted.push(JSON.parse(JSON.stringify(m))); },
      getState: () => state,
      setState: (s) => { state = s; window.savedState = s; },
    };
  };
  const record = (name) => (...args) => { window.clipboardCalls.push(name + ':' + String(args[0])); return Promise.resolve(); };
  Object.defineProperty(navigator, 'clipboard', { configurable: true, value: {
    writeText: record('writeText'), write: record('write'), readText: record('readText'), read: record('read'),
  } });
  const exec = document.execCommand.bind(document);
  document.execCommand = (command, ...rest) => { window.clipboardCalls.push('execCommand:' + command); return exec(command, ...rest); };
  document.addEventListener('copy', () => window.clipboardCalls.push('copy-event'), true);
  document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
})();`;

export class ViewerHarness {
  private constructor(
    private readonly server: Server,
    readonly origin: string,
    readonly context: BrowserContext,
    private readonly profile: string,
  ) {}

  static async start(): Promise<ViewerHarness> {
    if (!existsSync(join(MEDIA, 'viewer.js'))) throw new Error(`${MEDIA}/viewer.js is missing: run "node esbuild.mjs" first`);
    let origin = '';
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/') {
        const config = url.searchParams.get('config');
        const html = buildViewerHtml({
          ...(config ? { config: JSON.parse(config) as TerminalConfig } : {}),
          cspSource: origin,
          nonce: createNonce(),
          scriptUri: `${origin}/media/viewer.js`,
          styleUri: `${origin}/media/viewer.css`,
          targetLabel: 'guest@broadcast.test',
          targetSpec: 'broadcast-alias',
          testHooks: true,
        });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
        return;
      }
      const file = /^\/media\/(viewer\.(?:js|css))$/.exec(url.pathname)?.[1];
      if (file) {
        const type = file.endsWith('.js') ? 'text/javascript' : 'text/css';
        res.writeHead(200, { 'content-type': type }).end(readFileSync(join(MEDIA, file)));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const profile = mkdtempSync(join(tmpdir(), 'gb-chromium-'));
    try {
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
          '--disable-sync', '--no-first-run'],
        viewport: { width: 900, height: 500 },
      });
      return new ViewerHarness(server, origin, context, profile);
    } catch (error) {
      server.close();
      rmSync(profile, { recursive: true, force: true });
      throw error;
    }
  }

  /** A fresh page with the viewer loaded and its `ready` posted. */
  async open(initialState?: unknown, config?: TerminalConfig): Promise<ViewerPage> {
    const page = await this.context.newPage();
    await page.addInitScript(STAND_IN.replace('__INITIAL_STATE__', JSON.stringify(initialState ?? null)));
    await page.goto(`${this.origin}/${config ? `?config=${encodeURIComponent(JSON.stringify(config))}` : ''}`);
    const viewer = new ViewerPage(page);
    await page.waitForFunction(() => (globalThis as unknown as PageWindow).posted.some((m) => m.type === 'ready'), undefined, { timeout: 10_000 });
    return viewer;
  }

  async close(): Promise<void> {
    await this.context.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.profile, { recursive: true, force: true });
  }
}

export class ViewerPage {
  constructor(readonly page: Page) {}

  /** Posts a message the way the extension host does (VS Code delivers it as a window message). */
  async send(message: HostMessage): Promise<void> {
    await this.page.evaluate((m) => (globalThis as unknown as PageWindow).postMessage(m, '*'), message);
  }

  /** Sends text as output bytes (encoded in the page, so the webview receives a real Uint8Array). */
  async output(text: string): Promise<void> {
    await this.page.evaluate((t) => {
      const w = globalThis as unknown as PageWindow;
      w.postMessage({ type: 'output', data: new TextEncoder().encode(t) }, '*');
    }, text);
  }

  /** Waits until xterm.js has parsed everything posted so far (messages are delivered in order). */
  async flushed(): Promise<void> {
    // A round trip through the message queue first, so earlier posts have reached the terminal.
    await this.page.evaluate(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
    await this.page.evaluate(() => (globalThis as unknown as PageWindow).guestBroadcastViewer.flushed());
  }

  lines(): Promise<string[]> {
    return this.page.evaluate(() => (globalThis as unknown as PageWindow).guestBroadcastViewer.lines());
  }

  posted(): Promise<WebviewMessage[]> {
    return this.page.evaluate(() => (globalThis as unknown as PageWindow).posted);
  }

  clipboardCalls(): Promise<string[]> {
    return this.page.evaluate(() => (globalThis as unknown as PageWindow).clipboardCalls);
  }

  cspViolations(): Promise<string[]> {
    return this.page.evaluate(() => (globalThis as unknown as PageWindow).cspViolations);
  }

  statusText(): Promise<string> {
    return this.page.locator('#status-text').innerText();
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}
