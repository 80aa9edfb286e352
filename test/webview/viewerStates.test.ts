// The viewer page's own part of the states (Chromium): the last screen stays when the watched
// tmux client ends, fit mode scales the font so the host's size fits, and the footer stays one line.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { skipReason, ViewerHarness, type PageWindow } from './viewerPage';

const skip = skipReason();
let harness: ViewerHarness;

before(async () => {
  if (!skip) harness = await ViewerHarness.start();
});
after(async () => {
  await harness?.close();
});

// What a tmux client writes when it exits (captured from tmux 3.3a, `detach-client -E`).
const TMUX_EXIT = '\x1b[?1l\x1b>\x1b[H\x1b[2J\x1b[?2004l\x1b[?12l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1005l\x1b[?1004l\x1b[?1049l\x1b[23;0;0tGuest Broadcast: the broadcast has ended.\r\n';

test('when the tmux client ends, the last screen stays, with the farewell on the last row', { skip }, async () => {
  const viewer = await harness.open();
  try {
    await viewer.output('\x1b[?1049h\x1b[H\x1b[2Jhost line one\r\nhost line two\r\n');
    await viewer.output(TMUX_EXIT);
    await viewer.flushed();
    await viewer.flushed();
    const lines = await viewer.lines();
    assert.ok(lines.includes('host line one') && lines.includes('host line two'), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes('Guest Broadcast: the broadcast has ended.')), 'the farewell is not shown');
  } finally {
    await viewer.close();
  }
});

test('fit: the host size is taken and the font scaled to fit; my size: the panel size', { skip }, async () => {
  const viewer = await harness.open();
  try {
    const page = viewer.page;
    await viewer.send({ type: 'size', mode: 'fit', host: { cols: 200, rows: 60 } });
    await viewer.flushed();
    const size = await page.evaluate(() => (globalThis as unknown as PageWindow).guestBroadcastViewer.size());
    assert.deepEqual(size, { cols: 200, rows: 60 });
    const screen = await page.locator('#terminal .xterm-screen').boundingBox();
    const area = await page.locator('#terminal').boundingBox();
    assert.ok(screen && area && screen.width <= area.width && screen.height <= area.height, `${JSON.stringify(screen)} in ${JSON.stringify(area)}`);
    assert.equal(await page.locator('#status-sizes').innerText(), '200x60');
    await page.screenshot({ path: '/tmp/h-vscode-fit-200x60.png' });
    await page.locator('#status-size-mode').click();
    assert.equal(await page.locator('#status-size-mode').innerText(), 'My size');
    const posted = await viewer.posted();
    assert.ok(posted.some((m) => m.type === 'sizeMode' && m.mode === 'mine'));
    assert.match(await page.locator('#status-sizes').innerText(), /^host 200x60, you \d+x\d+$/);
  } finally {
    await viewer.close();
  }
});

test('the footer is one line at 320 px with a long reason, Find and the badge inside it', { skip }, async () => {
  const viewer = await harness.open();
  try {
    const page = viewer.page;
    await page.setViewportSize({ width: 320, height: 300 });
    await viewer.send({ type: 'state', state: { kind: 'reconnecting', inSeconds: 9, reason: 'nothing is listening on 127.0.0.1:2299, and a long tail of words' }, target: 'guest@broadcast.test' });
    const footer = await page.locator('#status').boundingBox();
    assert.ok(footer && footer.height <= 24, `footer ${JSON.stringify(footer)}`);
    for (const part of ['#status-search', '#status .badge', '#status-action']) {
      const b = await page.locator(part).boundingBox();
      assert.ok(b && footer && b.x + b.width <= footer.x + footer.width + 0.5, `${part} ${JSON.stringify(b)} outside ${JSON.stringify(footer)}`);
    }
    assert.equal(await page.locator('#status-action').innerText(), 'Retry now');
    await page.screenshot({ path: '/tmp/h-vscode-footer-320.png' });
    await page.locator('#status-action').click();
    assert.ok((await viewer.posted()).some((m) => m.type === 'retry'));
  } finally {
    await viewer.close();
  }
});

test('DOM renderer (GPU acceleration off): 24-bit colour and the selection are drawn, within the CSP', { skip }, async () => {
  const config = {
    fontFamily: 'DejaVu Sans Mono', fontSize: 14, lineHeight: 1, letterSpacing: 0, fontWeight: 'normal', fontWeightBold: 'bold',
    scrollback: 1000, gpuAcceleration: 'off' as const, cursorBlink: false, minimumContrastRatio: 1, screenReaderMode: false,
  };
  const viewer = await harness.open(undefined, config);
  try {
    const page = viewer.page;
    assert.equal(await page.locator('body').getAttribute('data-renderer'), 'dom');
    await viewer.output('\x1b[38;2;255;128;0mTRUECOLOUR\x1b[0m plain\r\n');
    await viewer.flushed();
    // xterm.js sets these colours as style attributes (media/styleNonce.ts turns them into CSSOM).
    const span = page.locator('#terminal .xterm-rows span', { hasText: 'TRUECOLOUR' });
    assert.equal(await span.evaluate((e) => getComputedStyle(e).color), 'rgb(255, 128, 0)');
    await page.locator('.xterm').click();
    await page.keyboard.press('Control+A');
    await page.waitForFunction(() => document.querySelectorAll('#terminal .xterm-rows span[style*="background-color"]').length > 0);
    assert.deepEqual(await viewer.cspViolations(), []);
  } finally {
    await viewer.close();
  }
});
