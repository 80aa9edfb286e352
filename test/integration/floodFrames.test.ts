// A size group's flood frames against viewers joining all the time, on real parts but a stand-in
// for tmux: a program in a real pty (node-pty) that paints a dense, colourful screen once and then
// scrolls lines through a scroll region at the bottom, fast. Every frame of that flood is smaller
// than the screen it leaves, so it goes out as it came (not as a snapshot), and scrolling twice
// is not scrolling once: a viewer whose snapshot and frames overlapped would end on other lines.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerChannel } from 'ssh2';
import { SizeGroup } from '../../src/host/fanout/sizeGroup';
import { GuestFeed } from '../../src/host/fanout/guestFeed';
import { Tmux } from '../../src/tmux/tmux';
import { boundedTest } from '../helpers/embeddedFixture';
import { Screen, waitFor } from '../helpers/screen';

const COLS = 120;
const ROWS = 36;
const LINES = 6000;

/** Stands in for `tmux attach`: its arguments are ignored. */
const PAINTER = `
const out = (s) => process.stdout.write(s);
let top = '\\x1b[H';
for (let y = 0; y < ${ROWS - 6}; y++) {
  for (let x = 0; x < ${COLS}; x++) top += '\\x1b[38;5;' + ((x * 7 + y * 13) % 256) + ';48;5;' + ((x * 3 + y * 11) % 256) + 'm' + String.fromCharCode(33 + ((x + y) % 90));
  top += '\\x1b[0m\\r\\n';
}
out('\\x1b[2J' + top + '\\x1b[${ROWS - 5};${ROWS}r\\x1b[${ROWS};1H');
let n = 0;
const burst = () => {
  let s = '';
  for (let i = 0; i < 12 && n < ${LINES}; i++, n++) s += 'scrolled line ' + n + ' ' + 'x'.repeat(60) + '\\r\\n';
  out(s);
  if (n < ${LINES}) setTimeout(burst, 2);
  else out('painter-done');
};
setTimeout(burst, 300);
setInterval(() => {}, 1000);
`;

/** The viewer's SSH channel, as far as GuestFeed uses it: it takes everything at once. */
class TakingChannel extends EventEmitter {
  readonly chunks: Buffer[] = [];
  /** The end of what it took, to look for a marker without joining everything each time. */
  private last = '';
  writable = true;
  writableLength = 0;
  write(data: Buffer, callback?: () => void): boolean {
    this.chunks.push(Buffer.from(data));
    this.last = (this.last + data.toString('latin1')).slice(-1024);
    callback?.();
    return true;
  }
  saw(text: string): boolean {
    return this.last.includes(text);
  }
}

/** The screen a viewer shows after everything it was sent. */
async function screenOf(bytes: Buffer): Promise<string[]> {
  const screen = new Screen(COLS, ROWS);
  await screen.write(bytes);
  const lines = screen.lines();
  screen.dispose();
  return lines;
}

boundedTest(
  'viewers joining while flood frames are being rendered each end on the screen of a viewer who watched from the start',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gb-frames-'));
    const painter = join(dir, 'painter');
    writeFileSync(painter, `#!${process.execPath}\n${PAINTER}`, { mode: 0o755 });
    const group = new SizeGroup({ tmux: new Tmux(join(dir, 'no-socket'), painter), sessionName: 'x', term: 'xterm-256color', cols: COLS, rows: ROWS }, () => undefined);
    const members: Array<{ channel: TakingChannel; feed: GuestFeed; onGroupExit(): void }> = [];
    const join1 = () => {
      const channel = new TakingChannel();
      const member = { channel, feed: new GuestFeed(channel as unknown as ServerChannel), onGroupExit: () => undefined };
      members.push(member);
      group.add(member);
    };
    try {
      join1();
      await waitFor('the painter to start', () => members[0].channel.chunks.length > 0, 10_000);
      // A join every few milliseconds for the length of the flood: a frame is rendered for a few
      // milliseconds every 100 ms, so dozens of these land while one is.
      for (let i = 0; i < 400 && !members[0].channel.saw('painter-done'); i++) {
        join1();
        await new Promise((resolve) => setTimeout(resolve, 3 + (i % 4)));
      }
      await waitFor('every viewer to have the end of the flood', () => members.every((m) => m.channel.saw('painter-done')), 20_000);
      const reference = await screenOf(Buffer.concat(members[0].channel.chunks));
      assert.ok(reference.some((l) => l.includes(`scrolled line ${LINES - 1}`)), reference.join('\n'));
      let differing = 0;
      for (const m of members.slice(1)) {
        const lines = await screenOf(Buffer.concat(m.channel.chunks));
        if (JSON.stringify(lines) !== JSON.stringify(reference)) differing++;
      }
      assert.equal(differing, 0, `${differing} of ${members.length - 1} viewers who joined mid-flood ended on another screen`);
      assert.ok(members.length > 50, `viewers joined during the flood: ${members.length - 1}`);
    } finally {
      for (const m of members) group.remove(m);
      rmSync(dir, { recursive: true, force: true });
    }
  },
  { timeoutMs: 90_000 },
);
