// TerminalTail: what the watcher knows about its terminal when it writes its closing line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TerminalTail } from '../../src/cli/terminalTail';
import { ENDED_MESSAGE } from '../../src/host/messages';

test('the alternate screen is tracked across chunks, even when a sequence is split', () => {
  const t = new TerminalTail();
  t.feed('\x1b[?10');
  t.feed('49hscreen');
  assert.equal(t.altScreen, true);
  t.feed(new TextEncoder().encode('\x1b[?1049l'));
  assert.equal(t.altScreen, false);
});

test('the host saying the broadcast ended counts only on the main screen, escapes aside', () => {
  const t = new TerminalTail();
  t.feed(`\x1b[?1049l\r\n\x1b[0m${ENDED_MESSAGE}\x1b[0m\r\n`);
  assert.equal(t.hostSaidEnded, true);
  assert.equal(t.atLineStart, true);
  const alt = new TerminalTail();
  alt.feed(`\x1b[?1049h${ENDED_MESSAGE}\r\n`);
  assert.equal(alt.hostSaidEnded, false);
});

test('a line left open is seen, so the closing line starts a new one', () => {
  const t = new TerminalTail();
  assert.equal(t.atLineStart, true);
  t.feed('$ half a line\x1b[K');
  assert.equal(t.atLineStart, false);
  assert.equal(t.hostSaidEnded, false);
});
