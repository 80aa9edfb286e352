// The browser guest's page in headless Chromium: the real page HTML (pageHtml.ts) under the
// route's CSP and the real bundle (dist/media/web.*), against a scripted server speaking
// src/wire/webGuestProtocol.ts (test/helpers/webPageServer.ts) that records every frame the page
// sends. What a browser guest sees, and that nothing but its size and the passphrase leaves it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WebPageServer, type ScriptedSocket, type WebPageServerOptions } from '../helpers/webPageServer';
import { skipReason } from './viewerPage';
import { WebGuestBrowser, type WebGuestPage } from './webGuestPage';

const skip = skipReason();
let browser: WebGuestBrowser;

before(async () => {
  if (!skip) browser = await WebGuestBrowser.launch();
});
after(async () => {
  await browser?.close();
});

type OpenOptions = Parameters<WebGuestBrowser['open']>[1];

/** A server and a page on it; at the end, no CSP violation and no console error. */
async function withPage(body: (page: WebGuestPage, server: WebPageServer) => Promise<void>, serverOptions: WebPageServerOptions = {}, open: OpenOptions = {}): Promise<void> {
  const server = await WebPageServer.start(serverOptions);
  const page = await browser.open(server.pageUrl, open);
  try {
    await body(page, server);
    assert.deepEqual(await page.cspViolations(), [], 'the page broke its Content-Security-Policy');
    assert.deepEqual(page.errors, [], 'the page logged errors');
  } finally {
    await page.close();
    await server.close();
  }
}

/** The page's first socket, greeted as a broadcast without a passphrase of this host size. */
async function live(server: WebPageServer, host = { cols: 80, rows: 24 }, index = 0): Promise<ScriptedSocket> {
  const socket = await server.socket(index);
  socket.send({ type: 'hello', session: 'demo', host, passphrase: 'none' });
  return socket;
}

/** Frames that are not a size message (the only thing a page may send once it watches). */
function beyondSize(server: WebPageServer) {
  return server.allReceived().filter((f) => f.binary || (JSON.parse(f.text) as { type?: string }).type !== 'size');
}

/** Rows "r01 ……… |" for a host screen, each as wide as the host, so the last column is visible text. */
function hostScreen(cols: number, rows: number): string {
  const lines: string[] = [];
  for (let r = 1; r <= rows; r++) {
    const head = `r${String(r).padStart(2, '0')} `;
    lines.push(`${head}${'.'.repeat(cols - head.length - 1)}|`);
  }
  return `\x1b[H\x1b[2J${lines.join('\r\n')}`;
}

/** The host's whole screen is inside the terminal's area and the window: every row, every column. */
async function assertWholeScreenVisible(page: WebGuestPage, host: { cols: number; rows: number }): Promise<void> {
  assert.deepEqual(await page.size(), host, 'the terminal is not the host size');
  const lines = await page.lines();
  const screen = lines.slice(-host.rows);
  assert.ok(screen[0].startsWith('r01 ') && screen[host.rows - 1].startsWith(`r${String(host.rows).padStart(2, '0')} `), screen.join('\n'));
  assert.ok(screen.every((l) => l.length === host.cols && l.endsWith('|')), 'a row is not the full width');
  const geometry = await page.page.evaluate(() => {
    const rect = (e: Element | null) => e?.getBoundingClientRect().toJSON() as { left: number; top: number; right: number; bottom: number } | undefined;
    const rows = Array.from(document.querySelectorAll('#terminal .xterm-rows > div'));
    return {
      area: rect(document.getElementById('terminal')),
      screen: rect(document.querySelector('#terminal .xterm-screen')),
      lastRow: rect(rows[rows.length - 1] ?? null),
      lastRowText: rows[rows.length - 1]?.textContent ?? '',
      rowCount: rows.length,
      window: { right: window.innerWidth, bottom: window.innerHeight },
    };
  });
  const { area, screen: box, lastRow } = geometry;
  assert.ok(area && box && lastRow, JSON.stringify(geometry));
  assert.equal(geometry.rowCount, host.rows);
  assert.ok(geometry.lastRowText.trimEnd().endsWith('|'), `the last row drawn: "${geometry.lastRowText}"`);
  for (const r of [box, lastRow]) {
    assert.ok(r.left >= area.left - 0.5 && r.right <= area.right + 0.5 && r.top >= area.top - 0.5 && r.bottom <= area.bottom + 0.5,
      `not inside the terminal's area: ${JSON.stringify(geometry)}`);
    assert.ok(r.right <= geometry.window.right && r.bottom <= geometry.window.bottom, `not inside the window: ${JSON.stringify(geometry)}`);
  }
}

test('renders the host\'s marker and colours from binary frames, live, and sends only its size', { skip }, async () => {
  await withPage(async (page, server) => {
    const socket = await live(server);
    socket.output('\x1b[31mWEB-MARKER-RED\x1b[0m then \x1b[1;32mgreen\x1b[0m\r\nd\xe9j\xe0 vu \u2500\u2500\r\n\x1b[38;2;255;128;0mTRUECOLOUR\x1b[0m\r\n');
    const lines = await page.waitForLine('WEB-MARKER-RED');
    assert.equal(lines[0], 'WEB-MARKER-RED then green');
    assert.equal(lines[1], 'd\xe9j\xe0 vu \u2500\u2500');
    assert.deepEqual(await page.cell(0, 0), { chars: 'W', fg: 1, palette: true });
    assert.deepEqual(await page.cell(20, 0), { chars: 'g', fg: 2, palette: true });
    // Drawn too, not only parsed: the DOM renderer's span carries the red palette class.
    const red = await page.page.locator('#terminal .xterm-rows span.xterm-fg-1').first().innerText();
    assert.equal(red, 'WEB-MARKER-RED');
    // 24-bit colour: xterm.js's DOM renderer sets it as a style attribute, which the CSP would
    // refuse (see media/styleNonce.ts): it must still be drawn in its colour.
    const orange = page.page.locator('#terminal .xterm-rows span', { hasText: 'TRUECOLOUR' });
    assert.equal(await orange.evaluate((e) => getComputedStyle(e).color), 'rgb(255, 128, 0)');
    assert.match(await page.waitForStatus(/^Live/), /^Live: demo$/);
    assert.deepEqual(await socket.waitForMessage((m) => m.type === 'size', 'size'), { type: 'size', cols: 80, rows: 24 });
    assert.deepEqual(beyondSize(server), []);
    assert.equal(await page.page.title(), 'Watching demo <session> · Guest Broadcast');
  });
});

test('fit: the whole host screen fits the window, on a desktop and a 390x844 phone; hostSize refits; my size uses the page\'s own cells', { skip }, async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844, mobile: true }]) {
    await withPage(async (page, server) => {
      const socket = await live(server, { cols: 120, rows: 40 });
      socket.output(hostScreen(120, 40));
      await page.waitForLine('r40 ');
      await page.page.waitForFunction(() => document.body.dataset.fitted === 'host');
      await assertWholeScreenVisible(page, { cols: 120, rows: 40 });
      await page.page.screenshot({ path: `/tmp/h-page-fit-120x40-in-${viewport.width}x${viewport.height}.png` });
      await socket.waitForMessage((m) => m.type === 'size' && m.cols === 120 && m.rows === 40, 'the host size');
      const fitFont = await page.fontSize();

      // The host's window changes: the page follows it and asks for that size.
      socket.send({ type: 'hostSize', size: { cols: 90, rows: 30 } });
      socket.output(hostScreen(90, 30));
      await socket.waitForMessage((m) => m.type === 'size' && m.cols === 90 && m.rows === 30, 'the new host size');
      await page.waitForLine('r30 ');
      await assertWholeScreenVisible(page, { cols: 90, rows: 30 });
      assert.ok(await page.fontSize() >= fitFont, 'a smaller host screen should not get a smaller font');
      assert.equal(await page.page.locator('#status-sizes').innerText(), '90x30');

      // My size: the page's own cells at the readable font, sent as the wanted size.
      const before = socket.messages().length;
      await page.page.locator('#status-size-mode').click();
      const mine = await socket.waitForMessage((m) => m.type === 'size', 'its own size', before);
      assert.equal(await page.fontSize(), 14);
      assert.deepEqual(await page.size(), { cols: mine.cols, rows: mine.rows });
      if (viewport.mobile) assert.ok((mine.cols as number) < 60, `a phone at 14 px is narrow, not ${String(mine.cols)} columns`);
      assert.match(await page.page.locator('#status-sizes').innerText(), /^host 90x30, you \d+x\d+$/);
      assert.deepEqual(beyondSize(server), []);
      await page.page.screenshot({ path: `/tmp/h-page-mine-${viewport.width}x${viewport.height}.png` });
    }, {}, viewport);
  }
});

test('keys, control keys, paste, drop, IME text and xterm.js\'s query replies send nothing; a read-only hint shows', { skip }, async () => {
  await withPage(async (page, server) => {
    const socket = await live(server);
    // Queries a terminal answers on its input: device attributes, cursor position, colours, modes.
    socket.output('$ \x1b[c\x1b[>c\x1b[6n\x1b[5n\x1b]10;?\x07\x1b]11;?\x07\x1b[?1$p\x1b[18t\x1bP$qm\x1b\\\x1b[?1000h\x1b[?1004h');
    await page.waitForLine('$');
    await socket.waitForMessage((m) => m.type === 'size', 'size');
    const { page: p } = page;
    await p.locator('.xterm').click();
    await p.keyboard.type('rm -rf /tmp/x');
    for (const key of ['Enter', 'Backspace', 'ArrowUp', 'Delete', 'Control+C', 'Control+D', 'Control+V', 'Shift+Insert', 'Space', 'Escape', 'F1']) {
      await p.keyboard.press(key);
    }
    await p.keyboard.insertText('inserted by an IME');
    // A composition (IME) as Chromium delivers it, committed.
    const cdp = await page.context.newCDPSession(p);
    await cdp.send('Input.imeSetComposition', { text: 'に', selectionStart: 1, selectionEnd: 1 });
    await cdp.send('Input.insertText', { text: '日本' });
    await p.evaluate(() => {
      const target = document.querySelector('.xterm-helper-textarea') as HTMLTextAreaElement;
      const data = new DataTransfer();
      data.setData('text/plain', 'pasted text\r');
      target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      const drop = new DataTransfer();
      drop.setData('text/plain', 'dropped text\r');
      document.querySelector('.xterm')?.dispatchEvent(new DragEvent('drop', { dataTransfer: drop, bubbles: true, cancelable: true }));
    });
    // Mouse and focus reports were asked for above: clicks and focus changes must not answer.
    await p.mouse.click(50, 50);
    await p.evaluate(() => window.dispatchEvent(new Event('blur')));
    assert.match(await p.locator('#notice').innerText(), /^Read-only: what you type is not sent to demo <session>\.$/);

    // Frames arrive in order: once a size sent after all of the above is here, so is anything
    // the page sent before it.
    const before = socket.messages().length;
    await p.locator('#status-size-mode').click();
    await socket.waitForMessage((m) => m.type === 'size', 'the size after the toggle', before);
    assert.deepEqual(beyondSize(server), [], 'the page sent something that is not its size');
    assert.ok(server.allReceived().every((f) => !f.binary));
    const screen = (await page.lines()).join('\n');
    for (const typed of ['rm -rf', 'IME', 'pasted', 'dropped', '日本']) assert.ok(!screen.includes(typed), `"${typed}" reached the screen`);
  });
});

test('a passphrase: the form first, nothing of the screen before it is accepted, only the passphrase sent', { skip }, async () => {
  await withPage(async (page, server) => {
    const { page: p } = page;
    assert.equal(await p.locator('#passphrase').isVisible(), true, 'the form shows at once, before the hello');
    const socket = await server.socket(0);
    socket.send({ type: 'hello', session: 'demo', host: { cols: 80, rows: 24 }, passphrase: 'required' });
    await p.locator('#passphrase-input').fill('wrong one');
    await p.keyboard.press('Enter');
    await socket.waitForMessage((m) => m.type === 'passphrase', 'the passphrase');
    socket.send({ type: 'passphraseRefused', attemptsLeft: 2 });
    await p.locator('#passphrase-error').waitFor({ state: 'visible' });
    assert.equal(await p.locator('#passphrase-error').innerText(), 'Wrong passphrase. 2 attempts left.');
    // A server that sends screen bytes too early: the page still shows none of them.
    socket.output('SECRET-SCREEN-BEFORE-ACCEPT\r\n');
    await p.locator('#passphrase-input').fill('correct horse');
    await p.locator('#passphrase-submit').click();
    await socket.waitForMessage((m) => m.type === 'passphrase' && m.value === 'correct horse', 'the second passphrase');
    await page.flushed();
    assert.ok(!(await page.lines()).join('\n').includes('SECRET-SCREEN'), 'screen bytes shown before the passphrase was accepted');
    assert.equal(await p.locator('#terminal').evaluate((e) => getComputedStyle(e).visibility), 'hidden');
    assert.deepEqual(socket.messages(), [{ type: 'passphrase', value: 'wrong one' }, { type: 'passphrase', value: 'correct horse' }],
      'before accepted, the page may send the passphrase and nothing else');

    socket.send({ type: 'hello', session: 'demo', host: { cols: 80, rows: 24 }, passphrase: 'accepted' });
    socket.output('AFTER-ACCEPT\r\n');
    await page.waitForLine('AFTER-ACCEPT');
    await page.waitForStatus(/^Live: demo$/);
    assert.equal(await p.locator('#passphrase').isVisible(), false);
    assert.equal(await p.locator('#terminal').evaluate((e) => getComputedStyle(e).visibility), 'visible');
    await socket.waitForMessage((m) => m.type === 'size', 'size after accepted');
    // Never in the URL or the page's storage.
    assert.equal(p.url(), server.pageUrl);
    const stored = await p.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    assert.ok(!stored.includes('correct horse'), stored);
    assert.equal(await p.locator('#passphrase-input').inputValue(), '');
  }, { passphraseRequired: true });
});

test('too many wrong passphrases: the refusal is shown in the form and the page does not retry', { skip }, async () => {
  await withPage(async (page, server) => {
    const { page: p } = page;
    const socket = await server.socket(0);
    socket.send({ type: 'hello', session: 'demo', host: null, passphrase: 'required' });
    await p.locator('#passphrase-input').fill('nope');
    await p.keyboard.press('Enter');
    await socket.waitForMessage((m) => m.type === 'passphrase', 'the passphrase');
    socket.send({ type: 'end', reason: 'refused', message: 'Too many wrong passphrases.' });
    socket.socket.close(1000, 'refused');
    await page.waitForStatus(/^Too many wrong passphrases\.$/);
    assert.equal(await p.locator('#passphrase-error').innerText(), 'Too many wrong passphrases.');
    assert.equal(await p.locator('#passphrase-submit').isDisabled(), true);
    // Longer than the first reconnect delay (1 s + 20 %): no second socket.
    await p.waitForTimeout(2500);
    assert.equal(server.sockets.length, 1, 'the page reconnected after a refusal');
  }, { passphraseRequired: true });
});

// What a tmux client writes when it exits (tmux 3.3a), then the route's end message.
const TMUX_EXIT = '\x1b[?1l\x1b>\x1b[H\x1b[2J\x1b[?2004l\x1b[?12l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1005l\x1b[?1004l\x1b[?1049l\x1b[23;0;0t';

test('end: the reason in the status line, the last screen kept, no reconnect until Watch again', { skip }, async () => {
  await withPage(async (page, server) => {
    const socket = await live(server);
    socket.output('\x1b[?1049h\x1b[H\x1b[2Jlast screen line one\r\nlast screen line two\r\n');
    await page.waitForLine('last screen line two');
    await page.waitForStatus(/^Live/);
    socket.output(TMUX_EXIT);
    socket.send({ type: 'end', reason: 'stopped', message: 'The host stopped the broadcast.' });
    socket.socket.close(1000, 'stopped');
    assert.equal(await page.waitForStatus(/stopped/), 'The host stopped the broadcast.');
    await page.flushed();
    const lines = await page.lines();
    assert.ok(lines.includes('last screen line one') && lines.includes('last screen line two'), lines.join('\n'));
    assert.equal(await page.page.locator('body').getAttribute('data-state'), 'ended');
    await page.page.waitForTimeout(2500);
    assert.equal(server.sockets.length, 1, 'the page reconnected after the broadcast stopped');
    await page.page.locator('#status-action').click();
    const again = await live(server, { cols: 80, rows: 24 }, 1);
    await page.waitForStatus(/^Live/);
    await again.waitForMessage((m) => m.type === 'size', 'size on the new socket');
  });
});

test('a dropped socket and a "lost" end reconnect by themselves and go live again', { skip }, async () => {
  await withPage(async (page, server) => {
    const first = await live(server);
    first.output('before the drop\r\n');
    await page.waitForLine('before the drop');
    first.socket.terminate(); // no close frame: the network went away
    await page.waitForStatus(/^Reconnecting/);
    const second = await live(server, { cols: 80, rows: 24 }, 1);
    second.output('after the reconnect\r\n');
    await page.waitForLine('after the reconnect');
    await page.waitForStatus(/^Live/);
    await second.waitForMessage((m) => m.type === 'size', 'size on the second socket');
    assert.ok((await page.lines()).includes('before the drop'), 'the screen was cleared by the reconnect');

    second.send({ type: 'end', reason: 'lost', message: 'This view fell behind.' });
    second.socket.close(1000, 'lost');
    assert.match(await page.waitForStatus(/^Reconnecting/), /This view fell behind\./);
    await live(server, { cols: 80, rows: 24 }, 2);
    await page.waitForStatus(/^Live/);
    assert.deepEqual(beyondSize(server), []);
  });
});

test('a host that refuses the socket: the page says it cannot reach it, keeps retrying, and Retry now goes at once', { skip }, async () => {
  await withPage(async (page, server) => {
    const first = await live(server);
    first.output('screen before\r\n');
    await page.waitForLine('screen before');
    server.refuseSockets = true;
    first.socket.terminate();
    assert.match(await page.waitForStatus(/cannot reach the host/), /^Reconnecting in \d+ s: cannot reach the host, or this link is no longer valid$/);
    const refusedBefore = server.refused;
    server.refuseSockets = false;
    await page.page.locator('#status-action', { hasText: 'Retry now' }).click();
    await live(server, { cols: 80, rows: 24 }, 1);
    await page.waitForStatus(/^Live/);
    assert.ok(refusedBefore >= 1);
    assert.ok((await page.lines()).includes('screen before'));
    // The browser logs each refused handshake as a console error: expected here, and only those.
    page.errors.splice(0, page.errors.length, ...page.errors.filter((e) => !/WebSocket connection to .* failed/.test(e)));
  });
});

test('the CSP is in force: the route\'s header and the page\'s meta refuse an injected inline script and style', { skip }, async () => {
  await withPage(async (page, server) => {
    await live(server);
    await page.waitForStatus(/^Live/);
    const { page: p } = page;
    const csp = server.csps[0];
    for (const directive of ["default-src 'none'", "connect-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'"]) assert.ok(csp.includes(directive), csp);
    assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=]+'/);
    assert.match(csp, /style-src 'nonce-[A-Za-z0-9+/=]+'(;|$)/);
    // xterm.js's own <style> elements carry the nonce (else the check below would have failed).
    assert.ok(await p.evaluate(() => Array.from(document.querySelectorAll('style')).every((s) => s.nonce !== '')));
    const ran = await p.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injectedRan = true';
      document.body.append(script);
      const style = document.createElement('div');
      style.innerHTML = '<style>#status { display: none }</style>';
      document.body.append(style);
      return (globalThis as unknown as { injectedRan?: boolean }).injectedRan === true;
    });
    assert.equal(ran, false, 'an inline script without the nonce ran');
    assert.equal(await p.locator('#status').isVisible(), true, 'an inline style without the nonce applied');
    await p.waitForFunction(() => (globalThis as unknown as { cspViolations: string[] }).cspViolations.length >= 2);
    const violations = await page.cspViolations();
    assert.ok(violations.some((v) => v.startsWith('script-src')) && violations.some((v) => v.startsWith('style-src')), violations.join('\n'));
    // These two were the test's own doing; the shared check at the end must see none from the page.
    await p.evaluate(() => { (globalThis as unknown as { cspViolations: string[] }).cspViolations.length = 0; });
    page.errors.splice(0);
  });
});

test('select and copy go to the browser\'s clipboard; Find finds in the screen', { skip }, async () => {
  await withPage(async (page, server) => {
    await page.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    const socket = await live(server);
    socket.output('copy me: COPY-MARKER-42\r\nsecond line\r\n');
    await page.waitForLine('COPY-MARKER-42');
    const { page: p } = page;
    await p.locator('.xterm').click();
    await p.keyboard.press('Control+A');
    await p.keyboard.press('Control+C');
    await p.waitForFunction(() => navigator.clipboard.readText().then((t) => t.includes('COPY-MARKER-42')), undefined, { timeout: 10_000 });
    assert.match(await p.evaluate(() => navigator.clipboard.readText()), /copy me: COPY-MARKER-42\s+second line/);
    assert.equal(await p.locator('#notice').innerText(), 'Copied');

    await p.keyboard.press('Control+F');
    await p.locator('#search-input').fill('second');
    await p.waitForFunction(() => document.getElementById('search-count')?.textContent === '1 of 1');
    assert.equal(await page.page.evaluate(() => (globalThis as unknown as { guestBroadcastViewer: { selection(): string } }).guestBroadcastViewer.selection()), 'second');
    assert.deepEqual(beyondSize(server), []);
  });
});

test('dark or light as the system prefers, following a change', { skip }, async () => {
  await withPage(async (page, server) => {
    await live(server);
    await page.waitForStatus(/^Live/);
    assert.equal(await page.themeBackground(), '#ffffff');
    await page.page.emulateMedia({ colorScheme: 'dark' });
    await page.page.waitForFunction(() => (globalThis as unknown as { guestBroadcastViewer: { options(): { theme?: { background?: string } } } }).guestBroadcastViewer.options().theme?.background === '#1e1e1e');
    const body = await page.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(body, 'rgb(30, 30, 30)');
  }, {}, { colorScheme: 'light' });
});
