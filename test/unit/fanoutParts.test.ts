// The fan-out's pure parts: which group a capped size joins, and the screen snapshot, checked by
// rendering in @xterm/headless: a terminal that saw only the snapshot (after arbitrary junk,
// even a half-sent escape sequence) continues exactly like one that saw the whole stream.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Terminal } from '@xterm/headless';
import { ScreenModel } from '../../src/host/fanout/screenModel';
import { nearestLarger } from '../../src/host/fanout/sizeGroups';

test('beyond the cap: the smallest group that fits, else the largest', () => {
  const groups = [
    { cols: 80, rows: 24 },
    { cols: 120, rows: 40 },
    { cols: 100, rows: 30 },
    { cols: 200, rows: 20 },
  ];
  assert.deepEqual(nearestLarger(groups, 90, 25), { cols: 100, rows: 30 });
  assert.deepEqual(nearestLarger(groups, 80, 24), { cols: 80, rows: 24 });
  assert.deepEqual(nearestLarger(groups, 110, 35), { cols: 120, rows: 40 });
  // Nothing is both wide and tall enough: the largest.
  assert.deepEqual(nearestLarger(groups, 300, 100), { cols: 120, rows: 40 });
});

function write(term: Terminal, data: string): Promise<void> {
  return new Promise((resolve) => term.write(data, resolve));
}

function state(term: Terminal): string {
  const b = term.buffer.active;
  const rows = Array.from({ length: term.rows }, (_, y) => {
    const line = b.getLine(y);
    let cells = '';
    for (let x = 0; line && x < term.cols; x++) {
      const c = line.getCell(x);
      if (c) cells += `${c.getChars() || ' '}${c.getFgColor()}/${c.getBgColor()}/${c.isBold()}${c.isInverse()}|`;
    }
    return cells;
  });
  return `${b.type} ${b.cursorX},${b.cursorY}\n${rows.join('\n')}`;
}

async function snapshotContinues(cols: number, rows: number, before: string, after: string): Promise<void> {
  const model = new ScreenModel(cols, rows);
  model.write(before);
  const snapshot = await new Promise<string>((resolve) => model.whenParsed(() => resolve(model.snapshot())));
  const whole = new Terminal({ cols, rows, allowProposedApi: true });
  const joined = new Terminal({ cols, rows, allowProposedApi: true });
  await write(whole, before + after);
  // A viewer resynchronised after a dropped stream: its terminal holds anything, mid-sequence.
  await write(joined, 'stale text\r\n\x1b[?1049h\x1b[41mold\x1b[5;3Hmore\x1b[38;5;');
  await write(joined, snapshot + after);
  assert.equal(state(joined), state(whole));
  model.dispose();
  whole.dispose();
  joined.dispose();
}

test('snapshot: screen, colours and cursor, then the live stream continues the same', async () => {
  await snapshotContinues(
    40,
    10,
    '\x1b[?1049h\x1b[H\x1b[2Jhello \x1b[1;31mred\x1b[0m \x1b[38;5;120;48;2;10;20;30mrgb\x1b[0m\r\nline two\x1b[7;5H',
    'more\r\nnext \x1b[1mstill bold?',
  );
});

test('snapshot: the scroll region and the pen carry over, so scrolling and plain text continue the same', async () => {
  // tmux scrolls a pane with DECSTBM and newlines, and sends SGR only when attributes change.
  let before = '\x1b[?1049h\x1b[H\x1b[2J\x1b[1;9r\x1b[10;1Hstatus line';
  for (let i = 0; i < 15; i++) before += `\x1b[9;1H\n\x1b[9;1Hline-${i}`;
  before += '\x1b[1;33m\x1b[9;20H';
  await snapshotContinues(40, 10, before, 'x\x1b[9;1H\n\x1b[9;1Hafter\n\n');
});

test('snapshot on the normal screen (after tmux left the alternate one): the farewell text', async () => {
  await snapshotContinues(40, 6, '\x1b[?1049h\x1b[Hbroadcast\x1b[?1049l\r\nGuest Broadcast: the broadcast has ended.\r\n', '$ ');
});
