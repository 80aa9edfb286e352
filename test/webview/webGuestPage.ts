// Opens the browser guest's page (served by test/helpers/webPageServer.ts) in headless Debian
// Chromium, and reads what it shows through the viewer's test hooks. Records every CSP
// violation and console error, so each test can end by asserting there were none.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM } from './viewerPage';

/** What the page exposes to the test (the test hooks at the end of media/viewerApp.ts). */
export interface WebPageWindow {
  guestBroadcastViewer: {
    lines(): string[];
    flushed(): Promise<void>;
    size(): { cols: number; rows: number };
    fontSize(): number;
    selection(): string;
    options(): { fontFamily?: string; fontSize?: number; theme?: { background?: string; red?: string } };
    cell(x: number, y: number): { chars: string; fg: number; palette: boolean } | undefined;
  };
  cspViolations: string[];
}

// Runs before the page's own scripts (the browser injects it; the page's CSP does not apply).
const RECORDER = `(() => {
  window.cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
})();`;

export class WebGuestBrowser {
  private constructor(private readonly browser: Browser, private readonly profile: string) {}

  static async launch(): Promise<WebGuestBrowser> {
    const profile = mkdtempSync(join(tmpdir(), 'gb-web-chromium-'));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // No GPU here: --disable-3d-apis makes the WebGL addon fail fast, so xterm.js draws with its
      // DOM renderer, whose rows the test can read.
      args: ['--no-sandbox', '--disable-gpu', '--disable-3d-apis', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run'],
    });
    return new WebGuestBrowser(browser, profile);
  }

  /** A fresh browser context (its own storage) with the page loaded. */
  async open(url: string, options: { width?: number; height?: number; colorScheme?: 'dark' | 'light'; mobile?: boolean } = {}): Promise<WebGuestPage> {
    const context = await this.browser.newContext({
      viewport: { width: options.width ?? 1000, height: options.height ?? 600 },
      colorScheme: options.colorScheme ?? 'dark',
      ...(options.mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 3 } : {}),
    });
    const page = await context.newPage();
    const guest = new WebGuestPage(context, page);
    await page.addInitScript(RECORDER);
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as unknown as Partial<WebPageWindow>).guestBroadcastViewer !== undefined, undefined, { timeout: 15_000 });
    return guest;
  }

  async close(): Promise<void> {
    await this.browser.close();
    rmSync(this.profile, { recursive: true, force: true });
  }
}

export class WebGuestPage {
  /** Console errors and uncaught exceptions in the page. */
  readonly errors: string[] = [];

  constructor(readonly context: BrowserContext, readonly page: Page) {
    page.on('console', (message) => {
      if (message.type() === 'error') this.errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.errors.push(`pageerror: ${error.message}`));
  }

  private viewer<T>(body: (v: WebPageWindow['guestBroadcastViewer']) => T | Promise<T>): Promise<T> {
    return this.page.evaluate(`(${body.toString()})(window.guestBroadcastViewer)`) as Promise<T>;
  }

  /** Waits until xterm.js has parsed everything it was given. */
  async flushed(): Promise<void> {
    await this.page.evaluate(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
    await this.viewer((v) => v.flushed());
  }

  lines(): Promise<string[]> {
    return this.viewer((v) => v.lines());
  }

  size(): Promise<{ cols: number; rows: number }> {
    return this.viewer((v) => v.size());
  }

  fontSize(): Promise<number> {
    return this.viewer((v) => v.fontSize());
  }

  cell(x: number, y: number): Promise<{ chars: string; fg: number; palette: boolean } | undefined> {
    return this.page.evaluate(([cx, cy]) => (globalThis as unknown as WebPageWindow).guestBroadcastViewer.cell(cx, cy), [x, y] as const);
  }

  themeBackground(): Promise<string | undefined> {
    return this.viewer((v) => v.options().theme?.background);
  }

  /** Waits (bounded) until the buffer has a line containing `text`. */
  async waitForLine(text: string, timeoutMs = 10_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.flushed();
      const lines = await this.lines();
      if (lines.some((l) => l.includes(text))) return lines;
      if (Date.now() > deadline) throw new Error(`"${text}" never appeared; the screen:\n${lines.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  statusText(): Promise<string> {
    return this.page.locator('#status-text').innerText();
  }

  /** Waits (bounded) until the status line matches. */
  async waitForStatus(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    await this.page.waitForFunction((source) => new RegExp(source).test(document.getElementById('status-text')?.textContent ?? ''), pattern.source, { timeout: timeoutMs })
      .catch(async (error: Error) => {
        throw new Error(`status never matched ${pattern}: "${await this.statusText()}" (${error.message})`);
      });
    return this.statusText();
  }

  cspViolations(): Promise<string[]> {
    return this.page.evaluate(() => (globalThis as unknown as WebPageWindow).cspViolations);
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
