// asciicast v2 as we write it (src/wire/asciicast.ts) read by a player nobody here wrote:
// Debian's asciinema 2.2 (`asciinema cat FILE`, which needs a terminal: it runs in a pty here),
// its output rendered in @xterm/headless. The screen must be the one the output itself draws:
// for a sample fed one byte per event (every multi-byte character split) with resize and marker
// events between, and for a real tmux session's output taken from the fan-out as a recording
// will take it, against `tmux capture-pane` of the host.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hostAttachArgv } from '../../src/tmux/attach';
import { AsciicastEncoder } from '../../src/wire/asciicast';
import { asciinemaCatScreen, hasAsciinema, recordSession, steppingClock } from '../helpers/castRecording';
import { PtyClient } from '../helpers/ptyClient';
import { Screen } from '../helpers/screen';
import { capturePane, TempSocket, tempSocket, TEST_SHELL, typeLine } from '../helpers/tmuxFixture';

const COLS = 70;
const ROWS = 16;

const skip = hasAsciinema() ? false : 'needs Debian asciinema (apt-get install asciinema)';

/** The screen the bytes themselves draw. */
async function renderedScreen(bytes: Buffer, cols: number, rows: number): Promise<string[]> {
  const screen = new Screen(cols, rows);
  await screen.write(bytes);
  const lines = screen.lines();
  screen.dispose();
  return lines;
}

describe('asciinema 2.2 plays what our encoder writes', { skip, timeout: 120_000 }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gb-cat-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a sample fed one byte per event, with every control byte, colours and wide characters, ends on the screen it draws', async () => {
    const sample = Buffer.from(
      '\x1b[2J\x1b[Hplain "quoted" \\back\\slash\r\n' +
        '\x1b[1;31mred bold\x1b[0m \x1b[38;5;33mblue\x1b[0m é€𝄞 日本語 🎉\r\n' +
        'tab\there\x08\x08XY\r\n' +
        // Every C0 control a program may print (BEL, SO/SI, VT, FF...; not ESC, CAN, SUB, which
        // start or cancel sequences), then a line drawn over. (DEL's JSON is in the unit test:
        // xterm.js logs a parsing error for it.)
        Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).filter((c) => c !== '\x1b' && c !== '\x18' && c !== '\x1a').join('') +
        '\x1b[6;1Hover\x1b[6;3H**\x1b[10;20Hthe end',
      'utf8',
    );
    const enc = new AsciicastEncoder(2, steppingClock());
    const lines = [enc.header({ cols: COLS, rows: ROWS, term: 'xterm-256color', shell: '/bin/sh', timestamp: Date.now() / 1000, title: 'sample "1"' })];
    for (let i = 0; i < sample.length; i++) {
      const line = enc.output(sample.subarray(i, i + 1));
      if (line) lines.push(line);
      // asciinema cat prints output events only; the others must not stop it.
      if (i === 40) lines.push(enc.marker('half way'));
      if (i === 60) lines.push(enc.resize(COLS, ROWS));
    }
    const file = join(dir, 'sample.cast');
    writeFileSync(file, lines.join('\n') + '\n');
    const expected = await renderedScreen(sample, COLS, ROWS);
    assert.ok(expected.some((l) => l.includes('é€𝄞 日本語 🎉')), expected.join('\n'));
    assert.deepEqual(await asciinemaCatScreen(file, COLS, ROWS), expected);
  });

  describe('a real tmux session', () => {
    let sock: TempSocket;
    let host: PtyClient;
    const session = 'broadcast';
    before(async () => {
      sock = tempSocket('gb-cat-tmux-');
      mkdirSync(dirname(sock.socketPath), { recursive: true, mode: 0o700 });
      await sock.tmux.run(['-f', '/dev/null', 'new-session', '-d', '-s', session, '-x', String(COLS), '-y', String(ROWS), TEST_SHELL]);
      host = new PtyClient(hostAttachArgv({ socketPath: sock.socketPath, sessionName: session }), { cols: COLS, rows: ROWS });
      await host.waitForText('host$');
    });
    after(async () => {
      host?.kill();
      await sock?.cleanup();
    });

    test('its output taken from the fan-out and written as v2 ends, in asciinema cat, on the host\'s pane', async () => {
      const recording = recordSession(sock.tmux, session, COLS, ROWS);
      try {
        await typeLine(sock.tmux, session, "printf '\\033[1;32mgreen-%s\\033[0m é€𝄞 日本語\\n' $((6*7)); ls -d / /tmp");
        await typeLine(sock.tmux, session, 'echo rec-$((6*7))');
        await recording.settledOn(sock.tmux, session, 'rec-42');
        assert.ok((await capturePane(sock.tmux, session)).some((l) => l.includes('green-42 é€𝄞 日本語')));
      } finally {
        await recording.stop();
      }
      const file = join(dir, 'tmux.cast');
      writeFileSync(file, await recording.stop());
      const pane = await capturePane(sock.tmux, session);
      const played = await asciinemaCatScreen(file, COLS, ROWS);
      // The pane is the window (ROWS minus tmux's status line); the recording's last row is the status line.
      assert.deepEqual(played.slice(0, pane.length).map((l) => l.trimEnd()), pane.map((l) => l.trimEnd()));
    });
  });
});
