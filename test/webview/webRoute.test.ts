// End to end in real headless Chromium: the browser route serves its page (the page's bundle from
// dist/media), the page opens its WebSocket and shows the host's screen; keys and paste in the
// page never reach the host's session, and the host's window size never changes. (The page's own
// behaviour is tested against a scripted server in webPage.test.ts; this is the real host.)
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { CHROMIUM, launchHeadlessChromium } from '../helpers/headlessChromium';
import { defaultAssetDir } from '../../src/host/web/webAssets';
import { WEB_PAGE_ASSETS as WEB_ASSETS } from '../../src/host/web/pageAssets';
import { listClients } from '../../src/tmux/clients';
import { boundedTest } from '../helpers/embeddedFixture';
import { PtyClient } from '../helpers/ptyClient';
import { waitFor } from '../helpers/screen';
import { capturePane, typeLine, windowSize } from '../helpers/tmuxFixture';
import { startWeb, WebFixture } from '../helpers/webFixture';

// GB_WEB_ASSETS: another build of the page (a worktree's dist/media), for trying a page change.
const ASSETS = process.env.GB_WEB_ASSETS || defaultAssetDir(join(__dirname, '..', '..', 'src', 'host', 'web'));
const skip = !existsSync(CHROMIUM)
  ? 'needs Debian chromium (apt-get install chromium)'
  : !existsSync(join(ASSETS, WEB_ASSETS.script))
    ? `needs the page's bundle ${join(ASSETS, WEB_ASSETS.script)} (node esbuild.mjs builds it from media/web.ts)`
    : false;

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function browser(): Promise<BrowserContext> {
  // No GPU there: the DOM renderer draws rows the test can read.
  const launched = await launchHeadlessChromium({ width: 1000, height: 600 });
  cleanups.push(() => launched.close());
  return launched.context;
}

async function fixture(): Promise<WebFixture> {
  const fx = await startWeb({ assetDir: ASSETS });
  cleanups.push(() => fx.cleanup());
  const host = new PtyClient(fx.embedded.broadcast.hostAttachArgv, { cols: 100, rows: 30 });
  cleanups.push(() => host.kill());
  await waitFor('the host client', async () => (await listClients(fx.embedded.sock.tmux)).some((c) => !c.readOnly));
  return fx;
}

boundedTest(
  'the real page on the real route: shows the host screen, late joiners too; keys and paste go nowhere; the host window keeps its size',
  async () => {
    const fx = await fixture();
    const tmux = fx.embedded.sock.tmux;
    const before = await windowSize(tmux, 'broadcast');
    await typeLine(tmux, 'broadcast', `printf '\\033[32mgreen-marker\\033[0m %d\\n' $((6*7))`);
    const context = await browser();
    const errors: string[] = [];
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(fx.route.url);
    const rows = page.locator('#terminal .xterm-rows');
    await waitFor('the marker in the page', async () => (await rows.innerText()).includes('green-marker 42'), 20_000).catch((e: Error) => {
      throw new Error(`${e.message}; page errors: ${errors.join(' | ')}`);
    });
    await waitFor('the page to be listed', () => fx.route.guestList().length === 1);
    assert.deepEqual(errors.filter((e) => /Content Security Policy|Refused/.test(e)), [], 'nothing the CSP refused');

    // Keys and a paste in the page: nothing reaches the host's session.
    await page.locator('#terminal').click();
    await page.keyboard.type('echo PWNED-$((6*7))');
    await page.keyboard.press('Enter');
    await page.keyboard.insertText('echo PASTED-$((6*7))\n');
    await typeLine(tmux, 'broadcast', 'echo after-keys-$((1+1))');
    await waitFor('the next output in the page', async () => (await rows.innerText()).includes('after-keys-2'), 20_000);
    const pane = (await capturePane(tmux, 'broadcast')).join('\n');
    assert.ok(!pane.includes('PWNED') && !pane.includes('PASTED'), pane);

    // A second page joining late sees the full screen.
    const late = await context.newPage();
    await late.goto(fx.route.url);
    await waitFor('the late page to show the screen', async () => {
      const text = await late.locator('#terminal .xterm-rows').innerText();
      return text.includes('green-marker 42') && text.includes('after-keys-2');
    }, 20_000);
    await late.setViewportSize({ width: 500, height: 300 });
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await windowSize(tmux, 'broadcast'), before, "the host's window size never changes");
  },
  { timeoutMs: 120_000, skip },
);
