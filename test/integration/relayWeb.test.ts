// Browser guests through a relay (`relay --web`), end to end with real processes: nats-server
// (JetStream), a host broadcasting with --relay, the relay's real code in this process serving the
// host's own page and WebSocket protocol, and headless Debian Chromium opening the relay's link.
// What a page shows is read from xterm.js's DOM rows and compared with tmux's capture-pane.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { WEB_PAGE_ASSETS } from '../../src/host/web/pageAssets';
import { defaultAssetDir } from '../../src/host/web/webAssets';
import type { RunningRelay } from '../../src/relay/startRelay';
import { boundedTest } from '../helpers/embeddedFixture';
import { CHROMIUM } from '../helpers/headlessChromium';
import { get } from '../helpers/rawHttp';
import { relayWorld, RelayWorld } from '../helpers/relayWorld';
import { upgradeStatus } from '../helpers/upgradeStatus';
import { waitFor } from '../helpers/screen';
import { capturePane, typeLine, windowSize } from '../helpers/tmuxFixture';

const ASSETS = process.env.GB_WEB_ASSETS || defaultAssetDir(join(__dirname, '..', '..', 'src', 'host', 'web'));
const skip = !existsSync(CHROMIUM)
  ? 'needs Debian chromium (apt-get install chromium)'
  : !existsSync(join(ASSETS, WEB_PAGE_ASSETS.script))
    ? `needs the page's bundle ${join(ASSETS, WEB_PAGE_ASSETS.script)} (node esbuild.mjs builds it from media/web.ts)`
    : false;

const test = (name: string, fn: () => Promise<void>): void => boundedTest(name, fn, { timeoutMs: 120_000, skip });

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

let browser: Browser | undefined;
/** A page in a fresh browser context (its own storage); `sizeMode` as the page remembers it. */
async function openPage(url: string, options: { width?: number; height?: number; sizeMode?: 'fit' | 'mine' } = {}): Promise<{ page: Page; errors: string[] }> {
  if (!browser) {
    const profile = mkdtempSync(join(tmpdir(), 'gb-relayweb-chromium-'));
    const launched = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // No GPU here: xterm.js draws with its DOM renderer, whose rows the test reads.
      args: ['--no-sandbox', '--disable-gpu', '--disable-3d-apis', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    browser = launched;
    cleanups.push(async () => {
      await launched.close();
      rmSync(profile, { recursive: true, force: true });
    });
  }
  const context = await browser.newContext({ viewport: { width: options.width ?? 1000, height: options.height ?? 600 } });
  cleanups.push(() => context.close().catch(() => undefined));
  if (options.sizeMode) await context.addInitScript(`localStorage.setItem('guestBroadcast.sizeMode', '${options.sizeMode}')`);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(url);
  return { page, errors };
}

/** xterm.js's rows as the page draws them (the DOM renderer), trailing blanks trimmed. */
function domRows(page: Page): Promise<string[]> {
  return page.evaluate(() => Array.from(document.querySelectorAll('#terminal .xterm-rows > div')).map((d) => (d.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));
}

/** Waits until a row of the page shows `text`. */
async function waitForRow(page: Page, text: string): Promise<void> {
  await waitFor(`"${text}" in the page`, async () => (await domRows(page)).some((l) => l.includes(text)), 20_000);
}

/** The page's rows above tmux's status line equal the host's pane, row for row. */
async function pageMatchesPane(world: RelayWorld, page: Page, what: string): Promise<void> {
  let last = '';
  await waitFor(what, async () => {
    const pane = (await capturePane(world.sock.tmux, 'broadcast')).map((l) => l.trimEnd());
    const seen = (await domRows(page)).slice(0, pane.length);
    last = `${seen.join('\n')}\n----- vs capture-pane -----\n${pane.join('\n')}`;
    return JSON.stringify(seen) === JSON.stringify(pane);
  }, 20_000).catch((error: Error) => {
    throw new Error(`${error.message}\n${last}`);
  });
}

async function webWorld(): Promise<{ world: RelayWorld; relay: RunningRelay; link: string; port: number }> {
  const world = await relayWorld();
  cleanups.push(() => world.cleanup());
  const relay = await world.startRelay({ web: { assetDir: ASSETS } });
  assert.ok(relay.web, 'the relay serves browser guests');
  return { world, relay, link: `${relay.web.origin}/w/${world.id}/`, port: relay.web.address.port };
}

test("a browser guest through a relay sees the host's screen, follows new output, is listed by the host, and sees the broadcast end", async () => {
  const { world, relay, link, port } = await webWorld();
  await typeLine(world.sock.tmux, 'broadcast', `printf '\\033[32mgreen-%s\\033[0m\\n' first-screen`);
  const { page, errors } = await openPage(link);
  // Fit mode: the page asks for the host's size (told by the host through NATS), so its screen is
  // the host's tmux window exactly: 80x24 with the status line, the pane's 23 rows above it.
  await pageMatchesPane(world, page, 'the page to show the host pane');
  assert.equal((await domRows(page)).length, 24, 'the page took the host size (80x24)');
  assert.deepEqual(relay.server.groups(world.id).map((g) => `${g.cols}x${g.rows}`), ['80x24']);

  // Each command's output first, then the match: page and pane can agree before the shell has
  // run the line (both showing it typed), so a match alone does not say the output is there.
  await typeLine(world.sock.tmux, 'broadcast', 'for i in 1 2 3; do echo "later-$i-$((i*7))"; done');
  await waitForRow(page, 'later-3-21');
  await pageMatchesPane(world, page, 'the page to follow new output');

  // Enough to scroll tmux's screen (the alternate one, in the page) before the resize below.
  await typeLine(world.sock.tmux, 'broadcast', 'for i in $(seq 1 40); do echo "scrolled-$i"; done');
  await waitForRow(page, 'scrolled-40');
  await pageMatchesPane(world, page, 'the page to follow a scrolling screen');

  // The host's terminal changes size (80x24 is also xterm's default, so this is what proves the
  // page follows the host's size through NATS): the page moves to a group of the new size.
  world.hostClient.resize(100, 30);
  await waitFor('the page at the new host size', async () => (await domRows(page)).length === 30, 20_000);
  await waitFor('the relay group at the new size', () => relay.server.groups(world.id).some((g) => g.cols === 100 && g.rows === 30), 20_000);
  await typeLine(world.sock.tmux, 'broadcast', 'clear; echo after-resize-$((5*5))');
  await waitForRow(page, 'after-resize-25');
  // Row for row at the new size too: the page first fitted the browser window (the relay did not
  // know the host's size yet), then shrank to 80x24, and xterm.js 6.0.0 then grew its alternate
  // buffer wrong (media/altBufferCapacity.ts): tmux's status line a few rows from the top.
  await pageMatchesPane(world, page, 'the page to show the host pane at the new size');

  // The host lists the browser guest (relay presence) and learns the relay's browser link.
  await waitFor('the host to list the browser guest', async () => (await world.route.guests()).some((g) => g.user === 'browser' && g.route === 'relay' && /via relay-0/.test(g.address ?? '')));
  await waitFor("the host to know the relay's browser link", () => world.route.web === link);
  assert.equal(world.route.markers()['relay-web'], link, 'status --json shows it (relay.web)');
  assert.deepEqual(errors.filter((e) => /Content Security Policy|Refused/.test(e)), [], 'nothing the CSP refused');

  await world.broadcast.stop();
  await page.waitForFunction(() => /ended/i.test(document.getElementById('status-text')?.textContent ?? ''), undefined, { timeout: 20_000 });
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'ended');
  // The registry entry is gone: the link now says so.
  await waitFor('the ended link to be refused', async () => (await get(port, `/w/${world.id}/`)).status === 404);
  assert.match((await get(port, `/w/${world.id}/`)).body.toString('utf8'), /no broadcast ".*" is served through this relay/);
});

test('two browser guests of different sizes through one relay: two groups, each page at its own size; the host window keeps its size', async () => {
  const { world, relay, link } = await webWorld();
  const before = await windowSize(world.sock.tmux, 'broadcast');
  await typeLine(world.sock.tmux, 'broadcast', 'echo sizes-marker-$((6*7))');
  const big = await openPage(link, { width: 1000, height: 600, sizeMode: 'mine' });
  const small = await openPage(link, { width: 500, height: 300, sizeMode: 'mine' });
  for (const p of [big.page, small.page]) {
    await waitFor('the marker in the page', async () => (await domRows(p)).some((l) => l.includes('sizes-marker-42')), 20_000);
  }
  const groups = await waitFor('two groups on the relay', () => {
    const list = relay.server.groups(world.id);
    return list.length === 2 && list.every((g) => g.guests === 1) ? list : undefined;
  }, 20_000);
  const sizes = groups!.map((g) => `${g.cols}x${g.rows}`).sort();
  assert.notEqual(sizes[0], sizes[1]);
  // Each page draws as many rows as its group has.
  const rows = [(await domRows(big.page)).length, (await domRows(small.page)).length].sort((a, b) => a - b);
  assert.deepEqual(rows, groups!.map((g) => g.rows).sort((a, b) => a - b));
  assert.equal(world.route.relayGroups().length, 2, 'the host runs one group per size');
  await typeLine(world.sock.tmux, 'broadcast', 'echo both-follow-$((2*21))');
  for (const p of [big.page, small.page]) await waitFor('new output in the page', async () => (await domRows(p)).some((l) => l.includes('both-follow-42')), 20_000);
  assert.deepEqual(await windowSize(world.sock.tmux, 'broadcast'), before, "the host's window size never changes");
});

test('an unknown or malformed broadcast id gets a clear 404 for the page and its socket; the live stream works through the relay', async () => {
  const { world, port, relay } = await webWorld();
  for (const id of ['NoSuchBroadcast123', 'x', '-leading-dash']) {
    const answer = await get(port, `/w/${id}/`);
    assert.equal(answer.status, 404, id);
    assert.match(answer.body.toString('utf8'), new RegExp(`no broadcast "${id}" is served through this relay: it has ended, or the link is mistyped`));
    assert.equal(await upgradeStatus(`ws://127.0.0.1:${port}/w/${id}/socket`, { origin: relay.web!.origin }), 404, `${id}: the socket is refused`);
  }
  // In the browser: the page says why.
  const { page } = await openPage(`${relay.web!.origin}/w/NoSuchBroadcast123/`);
  assert.match(await page.locator('body').innerText(), /no broadcast "NoSuchBroadcast123" is served through this relay/);

  // The asciinema-compatible live stream at the relay's /w/<id>/stream, at the host's size.
  await typeLine(world.sock.tmux, 'broadcast', 'echo stream-marker-$((3*14))');
  const stream = new WebSocket(`ws://127.0.0.1:${port}/w/${world.id}/stream`, ['v2.asciicast']);
  cleanups.push(() => stream.terminate());
  const messages: string[] = [];
  stream.on('message', (data) => messages.push(data.toString('utf8')));
  await waitFor('the stream to show the marker', () => messages.join('').includes('stream-marker-42'), 20_000);
  const header = JSON.parse(messages[0]) as { version: number; width: number; height: number };
  assert.deepEqual([header.version, header.width, header.height], [2, 80, 24]);
});
