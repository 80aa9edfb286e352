// The 1000x500 cap is one rule (src/wire/terminalSizeLimits.ts): every side that holds a size to
// it must agree on exactly the same edges.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clampSize } from '../../src/host/guestWindow';
import { sizeRelayArgv } from '../../src/host/guestAccount/sizeRelay';
import { parseWebviewMessage } from '../../src/ui/protocol';
import { parseHostSize } from '../../src/wire/hostSize';
import { isWithinSizeLimits, MAX_COLS, MAX_ROWS, MIN_COLS, MIN_ROWS } from '../../src/wire/terminalSizeLimits';

test('the cap is 2-1000 columns by 1-500 rows', () => {
  assert.deepEqual([MIN_COLS, MAX_COLS, MIN_ROWS, MAX_ROWS], [2, 1000, 1, 500]);
  assert.ok(isWithinSizeLimits(MAX_COLS, MAX_ROWS) && isWithinSizeLimits(MIN_COLS, MIN_ROWS));
  for (const [cols, rows] of [[MAX_COLS + 1, 24], [80, MAX_ROWS + 1], [MIN_COLS - 1, 24], [80, MIN_ROWS - 1], [80.5, 24], ['80', 24]]) {
    assert.equal(isWithinSizeLimits(cols, rows), false, `${cols}x${rows}`);
  }
});

test('the embedded clamp, the system size relay, the host-size stream and the webview protocol use the same edges', () => {
  assert.deepEqual(clampSize(MAX_COLS + 1, MAX_ROWS + 1), { cols: MAX_COLS, rows: MAX_ROWS });
  assert.deepEqual(clampSize(MAX_COLS, MAX_ROWS), { cols: MAX_COLS, rows: MAX_ROWS });
  assert.deepEqual(sizeRelayArgv('/usr/bin/perl', '/relay', ['tmux']).slice(3, 5), [String(MAX_COLS), String(MAX_ROWS)]);
  assert.deepEqual(parseHostSize(`${MAX_COLS}x${MAX_ROWS}`), { cols: MAX_COLS, rows: MAX_ROWS });
  assert.equal(parseHostSize(`${MAX_COLS + 1}x${MAX_ROWS}`), undefined);
  assert.equal(parseHostSize(`${MAX_COLS}x${MAX_ROWS + 1}`), undefined);
  assert.equal(parseHostSize(`${MIN_COLS - 1}x${MIN_ROWS}`), undefined);
  assert.deepEqual(parseWebviewMessage({ type: 'resize', cols: MAX_COLS, rows: MAX_ROWS }), { type: 'resize', cols: MAX_COLS, rows: MAX_ROWS });
  assert.equal(parseWebviewMessage({ type: 'resize', cols: MAX_COLS + 1, rows: MAX_ROWS }), undefined);
  assert.equal(parseWebviewMessage({ type: 'ready', cols: MIN_COLS, rows: MIN_ROWS - 1 }), undefined);
});
