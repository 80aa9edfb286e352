// Interop with a client nobody here wrote: asciinema-player (npm), in headless Chromium, plays
// our live stream of a real tmux session, in each subprotocol it speaks (v1.alis, v2.asciicast,
// v3.asciicast, raw). A player that connects late sees the screen from before it connected
// (the fan-out's snapshot), and then what the host types afterwards (live). The host's window
// keeps its size. The player's screen is read from its DOM text.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, HeadlessChromium, launchHeadlessChromium } from '../helpers/headlessChromium';
import { STREAM_PROTOCOLS, type StreamProtocol } from '../../src/wire/castStream';
import { hostAttachArgv } from '../../src/tmux/attach';
import { AsciicastPlayerServer } from '../helpers/asciicastPlayerServer';
import { recordSession } from '../helpers/castRecording';
import { PtyClient } from '../helpers/ptyClient';
import { waitFor } from '../helpers/wait';
import { capturePane, TempSocket, tempSocket, TEST_SHELL, typeLine, windowSize } from '../helpers/tmuxFixture';

const COLS = 90;
const ROWS = 20;
const SESSION = 'broadcast';

const skip = existsSync(CHROMIUM) ? false : 'needs Debian chromium (apt-get install chromium)';

/** The bit of the page's DOM the test reads (the project compiles without the DOM library). */
interface PageDocument {
  body: { innerText: string };
  querySelector(selector: string): { innerText: string } | null;
  querySelectorAll(selector: string): { length: number };
}

/** The player's visible terminal text (its rows are DOM text in .ap-term). */
async function playerText(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as { document: PageDocument }).document.querySelector('.ap-term')?.innerText ?? '');
}

/** The player's rows (the header's size). */
async function playerRows(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as { document: PageDocument }).document.querySelectorAll('.ap-term .ap-line').length);
}

/** The player's rows, as text (non-breaking spaces as spaces, trailing spaces trimmed). */
async function playerLines(page: Page): Promise<string[]> {
  const rows = await page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<{ innerText: string }> } }).document;
    return [...doc.querySelectorAll('.ap-term .ap-line')].map((line) => line.innerText);
  });
  return rows.map((l) => l.replace(/\u00a0/g, ' ').replace(/\n/g, '').trimEnd());
}

/** Everything the page shows, the player's messages included. */
async function bodyText(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as { document: PageDocument }).document.body.innerText);
}

describe('asciinema-player plays the live stream and recordings', { skip, timeout: 180_000 }, () => {
  let sock: TempSocket;
  let context: BrowserContext;
  let browser: HeadlessChromium | undefined;
  let step = 0;
  /** The host's own terminal, attached read-write at COLSxROWS, as a host is. */
  let host: PtyClient;
  /** The host's window before any player watched (ROWS minus tmux's status line). */
  let hostWindow: { cols: number; rows: number };

  before(async () => {
    sock = tempSocket('gb-cast-');
    mkdirSync(dirname(sock.socketPath), { recursive: true, mode: 0o700 });
    await sock.tmux.run(['-f', '/dev/null', 'new-session', '-d', '-s', SESSION, '-x', String(COLS), '-y', String(ROWS), TEST_SHELL]);
    host = new PtyClient(hostAttachArgv({ socketPath: sock.socketPath, sessionName: SESSION }), { cols: COLS, rows: ROWS, env: { ...process.env, TMUX: '' } });
    await host.waitForText('host$');
    hostWindow = await windowSize(sock.tmux, SESSION);
    browser = await launchHeadlessChromium({ width: 1000, height: 600 });
    context = browser.context;
  });

  after(async () => {
    host?.kill();
    await browser?.close();
    await sock?.cleanup();
  });

  for (const protocol of STREAM_PROTOCOLS) {
    test(`${protocol}: a late joiner sees the screen from before, then a marker typed live, at the host's size${protocol === 'raw' ? '' : ', then a resize'}, then the end`, async () => {
      const n = ++step;
      // On the host before any player connects: only a snapshot can show it.
      await typeLine(sock.tmux, SESSION, `clear; echo before-${n}-$((6*7))`);
      await waitFor('the host to print the first marker', async () => (await capturePane(sock.tmux, SESSION)).includes(`before-${n}-42`));
      const server = await AsciicastPlayerServer.start({ tmux: sock.tmux, sessionName: SESSION, cols: COLS, rows: ROWS, protocols: [protocol as StreamProtocol] });
      const pages: Page[] = [];
      try {
        const page = await context.newPage();
        pages.push(page);
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(server.origin + '/');
        await waitFor('the player to show the screen from before it connected', async () => (await playerText(page)).includes(`before-${n}-42`), 30_000);
        assert.equal(server.sinks[0]?.protocol, protocol, 'the player and the server agreed on this subprotocol');
        assert.equal(await playerRows(page), ROWS, 'the player shows the host\'s number of rows');

        await typeLine(sock.tmux, SESSION, `echo live-${n}-$((6*7))`);
        await waitFor('the player to show a marker typed after it connected', async () => (await playerText(page)).includes(`live-${n}-42`), 30_000);

        // A second player joining now sees both markers, drawn from the group's screen.
        const late = await context.newPage();
        pages.push(late);
        await late.goto(server.origin + '/');
        await waitFor('a late joiner to see the whole screen', async () => {
          const text = await playerText(late);
          return text.includes(`before-${n}-42`) && text.includes(`live-${n}-42`);
        }, 30_000);
        // The host's window size changed: the route sends a resize, and the player takes the new
        // size. (raw can only say it as CSI 8 t, which the player reads at the start of a stream
        // only; a terminal reading raw resizes on it.)
        if (protocol !== 'raw') {
          for (const sink of server.sinks) sink.resize(COLS + 6, ROWS + 3);
          await waitFor('the player to take the new size', async () => (await playerRows(page)) === ROWS + 3, 30_000);
        }
        // The view ends (stop, kick): the player says the stream ended, and does not reconnect.
        const made = server.sinks.length;
        for (const sink of server.sinks) sink.end();
        await waitFor('the player to say the stream ended', async () => /stream ended/i.test(await bodyText(page)), 30_000);
        assert.equal(server.sinks.length, made, 'the player did not reconnect');
        assert.deepEqual(errors, [], 'no errors in the page');
        assert.deepEqual(await windowSize(sock.tmux, SESSION), hostWindow, 'the host\'s window keeps its size');
      } finally {
        for (const p of pages) await p.close().catch(() => undefined);
        await server.close();
      }
    });
  }

  test('a recording of the session written by our v2 encoder plays in the player to the host\'s pane', async () => {
    const n = ++step;
    const recording = recordSession(sock.tmux, SESSION, COLS, ROWS);
    try {
      await typeLine(sock.tmux, SESSION, `clear; printf '\\033[1;35mrec-%s\\033[0m é€𝄞 日本語 "q" \\\\ \\t|\\n' ${n}-$((6*7)); ls -d / /tmp`);
      // A row as wide as the screen: it fits only if the player takes the header's width.
      await typeLine(sock.tmux, SESSION, `printf '%0${COLS}d\\n' 0`);
      await typeLine(sock.tmux, SESSION, `echo done-${n}-$((6*7))`);
      await recording.settledOn(sock.tmux, SESSION, `done-${n}-42`);
    } finally {
      await recording.stop();
    }
    const pane = (await capturePane(sock.tmux, SESSION)).map((l) => l.trimEnd());
    assert.ok(pane.includes('0'.repeat(COLS)), pane.join('\n'));
    assert.ok(pane.some((l) => l.includes(`rec-${n}-42 é€𝄞 日本語 "q" \\`)), pane.join('\n'));
    const server = await AsciicastPlayerServer.start({ tmux: sock.tmux, sessionName: SESSION, cols: COLS, rows: ROWS });
    server.casts.set('session.cast', await recording.stop());
    const page = await context.newPage();
    try {
      await page.goto(`${server.origin}/?cast=session.cast`);
      await waitFor('the player to end on the host\'s pane', async () => JSON.stringify((await playerLines(page)).slice(0, pane.length)) === JSON.stringify(pane), 30_000).catch(async (e: Error) => {
        throw new Error(`${e.message}\nplayer:\n${(await playerLines(page)).join('\n')}\npane:\n${pane.join('\n')}`);
      });
    } finally {
      await page.close();
      await server.close();
    }
  });

  test('a server that speaks none of what the player offers refuses it, and the player says so instead of retrying', async () => {
    const server = await AsciicastPlayerServer.start({ tmux: sock.tmux, sessionName: SESSION, cols: COLS, rows: ROWS, protocols: [] });
    const page = await context.newPage();
    try {
      await page.goto(server.origin + '/');
      await waitFor('the player to say it is not compatible', async () => /not compatible/i.test(await bodyText(page)), 30_000).catch(async (e: Error) => {
        throw new Error(`${e.message}; the page shows: ${JSON.stringify(await bodyText(page))}`);
      });
      assert.equal(server.sinks.length, 0);
    } finally {
      await page.close();
      await server.close();
    }
  });
});
