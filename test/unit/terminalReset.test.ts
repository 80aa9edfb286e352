// The terminal-reset sequences are one rule (src/wire/terminalReset.ts), used by the embedded
// server for a kicked guest and by `guest-broadcast watch` when its connection dies. Rendered in
// a real terminal emulator: every mode a tmux client may leave on is off afterwards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RESET_AS_TMUX_DETACH, RESET_MODES } from '../../src/wire/terminalReset';
import { Screen } from '../helpers/screen';

/** What a tmux client drawing a full-screen program may leave on when it stops mid-screen. */
const LEFT_ON = '\x1b[?1049h\x1b[5;10r\x1b[1;31m\x1b[?25l\x1b[?1h\x1b=\x1b[?1003h\x1b[?1006h\x1b[?1004h\x1b[?2004h';

async function afterReset(reset: string, before = ''): Promise<Screen> {
  const screen = new Screen(40, 12);
  await screen.write(LEFT_ON + 'app' + before + reset + 'after');
  return screen;
}

function assertModesOff(screen: Screen): void {
  const { modes } = screen.term;
  assert.equal(modes.mouseTrackingMode, 'none');
  assert.equal(modes.sendFocusMode, false);
  assert.equal(modes.bracketedPasteMode, false);
  assert.equal(modes.applicationCursorKeysMode, false);
  const buffer = screen.term.buffer.active;
  const cell = buffer.getLine(buffer.cursorY)?.getCell(buffer.cursorX - 1);
  assert.ok(cell && cell.getChars() === 'r' && !cell.isBold() && cell.isFgDefault(), 'text after the reset has plain attributes');
}

test('modes only (the CLI watcher): every mode off, the screen left as it is', async () => {
  const screen = await afterReset(RESET_MODES);
  assertModesOff(screen);
  assert.equal(screen.term.buffer.active.type, 'alternate', 'RESET_MODES does not leave the alternate screen');
});

test('as tmux detaches (a kicked embedded guest): every mode off, the normal screen back, a half-sent sequence abandoned', async () => {
  const screen = await afterReset(RESET_AS_TMUX_DETACH, '\x1b[3');
  assertModesOff(screen);
  assert.equal(screen.term.buffer.active.type, 'normal');
  assert.ok(screen.lines().some((line) => line.includes('after')), screen.lines().join('\n'));
});
