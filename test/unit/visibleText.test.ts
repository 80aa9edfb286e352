import assert from 'node:assert/strict';
import { test } from 'node:test';
import { visibleText } from '../../src/watcher/visibleText';

test('visibleText: control characters read as OpenSSH shows them (octal), text and tabs stay', () => {
  assert.equal(visibleText('a\x1b]52;c;eA==\x07b\tc'), 'a\\033]52;c;eA==\\007b\tc');
  assert.equal(visibleText('caf\u00e9 \u2500 \\ ok'), 'caf\u00e9 \u2500 \\ ok');
  assert.equal(visibleText('x\x7fy\u009b2J'), 'x\\177y\\302\\2332J');
});

test('visibleText: one line unless asked; CR LF is one break, a lone CR is shown', () => {
  assert.equal(visibleText('a\r\nb\nc\rd'), 'a\\015\\012b\\012c\\015d');
  assert.equal(visibleText('a\r\nb\nc\rd', { lines: true }), 'a\nb\nc\\015d');
});

test('visibleText: characters that reorder or hide text are shown', () => {
  assert.equal(visibleText('user\u202etxt.exe\u200b\u2066'), 'user\\342\\200\\256txt.exe\\342\\200\\213\\342\\201\\246');
});

test('visibleText: applying it twice changes nothing more', () => {
  const once = visibleText('\x1b[2J\u009d0;t\u009c\n', { lines: true });
  assert.equal(visibleText(once, { lines: true }), once);
});
