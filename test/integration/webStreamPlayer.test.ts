// Interop of the browser route's live stream with a client nobody here wrote: asciinema-player
// (npm), embedded in a page served by this test from another origin (as a site embedding a
// broadcast would), connects to the real route's /w/SECRET/stream (asciicastStream, mounted by
// the options model) and shows the host's screen from before it joined, then a marker typed live;
// the host's window keeps its size; a stop ends the stream. Under --access password the route
// serves no stream (a player cannot give a passphrase): the link alone is no way around it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { CHROMIUM, HeadlessChromium, launchHeadlessChromium } from '../helpers/headlessChromium';
import { asciicastStream } from '../../src/host/web/streamViewer';
import { PtyClient } from '../helpers/ptyClient';
import { typeLine, windowSize } from '../helpers/tmuxFixture';
import { waitFor } from '../helpers/wait';
import { startWeb, WebFixture } from '../helpers/webFixture';

const skip = existsSync(CHROMIUM) ? false : 'needs Debian chromium (apt-get install chromium)';
const PLAYER = join(__dirname, '..', '..', '..', 'node_modules', 'asciinema-player', 'dist', 'bundle');

let fx: WebFixture | undefined;
let host: PtyClient | undefined;
let site: Server | undefined;
let context: BrowserContext | undefined;
let browser: HeadlessChromium | undefined;

/** Another origin's page embedding the player on `streamUrl`. */
function embeddingSite(streamUrl: string): Promise<Server> {
  const page = `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/player.css"></head>
<body><div id="player"></div><script src="/player.js"></script>
<script>AsciinemaPlayer.create({ driver: 'websocket', url: ${JSON.stringify(streamUrl)} }, document.getElementById('player'), { autoPlay: true });</script></body></html>`;
  const server = createServer((req, res) => {
    if (req.url === '/player.js') return void res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(readFileSync(join(PLAYER, 'asciinema-player.min.js')));
    if (req.url === '/player.css') return void res.writeHead(200, { 'Content-Type': 'text/css' }).end(readFileSync(join(PLAYER, 'asciinema-player.css')));
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

before(async () => {
  if (skip) return;
  fx = await startWeb({}, { stream: asciicastStream() });
  const sock = fx.embedded.sock;
  host = new PtyClient(fx.embedded.broadcast.hostAttachArgv, { cols: 100, rows: 30 });
  await host.waitForText('host$');
  browser = await launchHeadlessChromium({ width: 1100, height: 700 });
  context = browser.context;
  void sock;
});

after(async () => {
  host?.kill();
  await browser?.close();
  site?.close();
  await fx?.cleanup();
});

test("asciinema-player plays the browser route's live stream: the screen from before it joined, a live marker, the host's size kept, the end", { skip, timeout: 120_000 }, async () => {
  const web = fx!;
  const tmux = web.embedded.sock.tmux;
  const hostWindow = await windowSize(tmux, 'broadcast');
  await typeLine(tmux, 'broadcast', 'clear; echo before-the-player-$((6*7))');
  await host!.waitForText('before-the-player-42');
  assert.ok(web.route.streamUrl.endsWith('/stream'), web.route.streamUrl);
  site = await embeddingSite(web.route.streamUrl);
  const page = await context!.newPage();
  await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
  const playerText = (): Promise<string> => page.evaluate(() => (globalThis as unknown as { document: { querySelector(s: string): { innerText: string } | null } }).document.querySelector('.ap-term')?.innerText ?? '');
  await waitFor('the player to show the screen from before it joined', async () => (await playerText()).includes('before-the-player-42'), 30_000);
  await typeLine(tmux, 'broadcast', 'echo live-in-the-player-$((7*7))');
  await waitFor('the player to show the live marker', async () => (await playerText()).includes('live-in-the-player-49'), 30_000);
  assert.deepEqual(await windowSize(tmux, 'broadcast'), hostWindow, "the stream changed the host's window");
  await web.embedded.broadcast.stop();
  await waitFor('the player to say the stream ended', async () => /ended/i.test(await page.evaluate(() => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText)), 30_000);
});

test('with --access password the route serves no stream: the link alone is no way around the passphrase', { skip, timeout: 60_000 }, async () => {
  const { webRoute } = await import('../../src/host/options/webRoute');
  const { hostOptions } = await import('../../src/host/options/parse');
  const dir = mkdtempSync(join(tmpdir(), 'gb-pwstream-'));
  try {
    const route = webRoute(hostOptions({ access: 'password', stateDir: dir, web: { listen: '127.0.0.1:0', tls: undefined } }), { names: {}, defaultStateDir: dir });
    assert.equal(route.streamUrl, '', 'no stream link under password access');
    const open = webRoute(hostOptions({ access: 'open', stateDir: dir, web: { listen: '127.0.0.1:0', tls: undefined } }), { names: {}, defaultStateDir: dir });
    assert.notEqual(open.streamUrl, '', 'an open broadcast has its stream');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
