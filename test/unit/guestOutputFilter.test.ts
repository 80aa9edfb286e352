// The guests' output rule (src/host/guestOutputFilter.ts): the TypeScript filter the embedded
// server runs and the Perl one the system mode's relay runs, over the same streams, whole and
// split at every size, must agree byte for byte.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Terminal } from '@xterm/headless';
import { GUEST_HELD_MAX, GuestOutputFilter, guestFilterPerl } from '../../src/host/guestOutputFilter';
import { sizeRelaySource } from '../../src/host/guestAccount/sizeRelay';

/** [input, what a guest may receive]. */
const CASES: Array<[string, string, string]> = [
  ['tmux output passes unchanged', '\x1b[?1049h\x1b[22;0;0t\x1b[H\x1b[2J\x1b[1;31mred\x1b(B\x1b[m caf\u00e9 \u00a9 \u2500\x1b[>c\x1b[>q\x1b[?25h\r\n', '\x1b[?1049h\x1b[22;0;0t\x1b[H\x1b[2J\x1b[1;31mred\x1b(B\x1b[m caf\u00e9 \u00a9 \u2500\x1b[>c\x1b[>q\x1b[?25h\r\n'],
  ['set-clipboard on: OSC 52 as tmux sends it', 'a\x1b]52;;cm0gLXJmIH4=\x07b', 'ab'],
  ['OSC 52 ended by ST, and in C1 form', 'a\x1b]52;c;cm0=\x1b\\b\u009d52;c;eA==\u009cc', 'abc'],
  ['set-titles on: OSC 0, 1, 2', 'a\x1b]0;b:0:sh - "EVIL" \x07b\x1b]1;icon\x1b\\c\x1b]2;t\x07d', 'abcd'],
  ['passthrough payloads: OSC 52, DCS queries, APC, PM, SOS', 'a\x1b]52;c;UEFTUw==\x07b\x1bP$qm\x1b\\c\x1bP+q544e\x1b\\d\x1b_Gf=100;AAAA\x1b\\e\x1b^pm\x1b\\f\x1bXsos\x1b\\g\u0090dcs\u009ch', 'abcdefgh'],
  ['other OSCs: cwd, links, notifications, colour sets and queries', 'a\x1b]7;file:///etc\x07b\x1b]8;;https://x\x1b\\c\x1b]9;hi\x07d\x1b]4;1;#ff0000\x07e\x1b]10;?\x07f\x1b]12;?\x07g', 'abcdefg'],
  ['the cursor colour tmux sends passes', 'a\x1b]12;#ff0000\x07b\x1b]112\x07c\x1b]12;rgb:ff/00/00\x1b\\d', 'a\x1b]12;#ff0000\x07b\x1b]112\x07c\x1b]12;rgb:ff/00/00\x1b\\d'],
  ['CAN and SUB cancel a string; an ESC that is not ST starts a new sequence', 'a\x1b]52;c;x\x18b\x1b]12;#fff\x1ac\x1b]0;t\x1b[31md', 'abc\x1b[31md'],
  ['a runaway string is dropped to its end without eating the text after it', `a\x1b]52;c;${'QUFB'.repeat(GUEST_HELD_MAX)}\x07b\x1bP${'x'.repeat(GUEST_HELD_MAX * 3)}\x1b\\c`, 'abc'],
  ['an over-long cursor colour is dropped', `a\x1b]12;${'f'.repeat(100)}\x07b`, 'ab'],
  ['an ESC before a dropped string cannot join the text after it into a new sequence', 'a\x1b\x1b]0;x\x07]52;c;QQ==\x07b\x1b\x1b\u009d0;x\x07]52;c;QQ==\x07c', 'a]52;c;QQ==\x07b]52;c;QQ==\x07c'],
  ['text with C1-like UTF-8 characters that are not controls passes', '\u00c2\u00bd \u00a0 \u0150 \u00e9\u00e8\u00c2', '\u00c2\u00bd \u00a0 \u0150 \u00e9\u00e8\u00c2'],
];

function runTs(chunks: string[]): string {
  const filter = new GuestOutputFilter();
  return chunks.map((c) => filter.push(c)).join('');
}

/** Runs the generated Perl over byte chunks (hex on the command line) and returns its output. */
function runPerl(chunks: Buffer[]): Buffer {
  const script = `use strict; use warnings; binmode STDOUT; ${guestFilterPerl()}\nfor my $hex (@ARGV) { print guest_safe(pack('H*', $hex)); }`;
  return execFileSync('perl', ['-e', script, ...chunks.map((c) => c.toString('hex') || '""')], { maxBuffer: 64 << 20 });
}

function splitString(s: string, size: number): string[] {
  const parts: string[] = [];
  for (let i = 0; i < s.length; i += size) parts.push(s.slice(i, i + size));
  return parts;
}

function splitBytes(b: Buffer, size: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) parts.push(b.subarray(i, i + size));
  return parts;
}

for (const [name, input, expected] of CASES) {
  test(`guest output filter: ${name}`, () => {
    assert.equal(runTs([input]), expected);
    for (const size of [1, 2, 3, 5, 64]) assert.equal(runTs(splitString(input, size)), expected, `split every ${size}`);
  });
}

test('guest output filter: the relay\'s Perl filter gives the same bytes, whole and split at every size', () => {
  for (const [name, input, expected] of CASES) {
    const bytes = Buffer.from(input, 'utf8');
    // Perl splits inside UTF-8 characters too (it reads bytes): 1, 2 and 3 cut C1 controls in half.
    const sizes = bytes.length > 1000 ? [bytes.length, 4093] : [bytes.length, 1, 2, 3, 5];
    for (const size of sizes) {
      assert.equal(runPerl(splitBytes(bytes, size)).toString('utf8'), expected, `${name}, split every ${size}`);
    }
  }
});

test('guest output filter: the relay drops a lone UTF-8 lead byte that a dropped string would join to a C1 OSC', () => {
  // 0xC2, a dropped OSC, then 0x9D: kept, the 0xC2 would make the C1 OSC "\xc2\x9d" with the 0x9D after it.
  const bytes = Buffer.concat([Buffer.from('a\xc2\x1b]0;x\x07', 'latin1'), Buffer.from('\x9d52;c;QQ==\x07b', 'latin1')]);
  for (const size of [bytes.length, 1, 2, 3]) {
    const out = runPerl(splitBytes(bytes, size));
    assert.ok(!out.includes(Buffer.from('\xc2\x9d', 'latin1')), `no C1 OSC, split every ${size}: ${out.toString('hex')}`);
  }
});

test('guest output filter: the relay runs its output through guest_safe', () => {
  const relay = sizeRelaySource();
  assert.ok(relay.includes(guestFilterPerl().trim()), 'the generated filter is in the relay');
  assert.match(relay, /write_all\(\\\*STDOUT, guest_safe\(\$buffer\)\)/);
  const dir = mkdtempSync(join(tmpdir(), 'gb-relay-'));
  try {
    writeFileSync(join(dir, 'relay'), relay);
    execFileSync('perl', ['-c', '-x', join(dir, 'relay')], { stdio: 'pipe' }); // it compiles
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('guest output filter: what passes renders the text, and xterm.js sees no title or clipboard', async () => {
  const term = new Terminal({ cols: 60, rows: 5, allowProposedApi: true });
  const events: string[] = [];
  term.onTitleChange((t) => events.push(`title:${t}`));
  term.parser.registerOscHandler(52, (d) => (events.push(`osc52:${d}`), true));
  const hostile = 'safe\x1b]0;b:0:sh - "EVIL"\x07\x1b]52;;cm0gLXJmIH4=\x07\x1b]52;c;UEFTUw==\x07 text';
  await new Promise<void>((r) => term.write(runTs(splitString(hostile, 7)), r));
  assert.equal(term.buffer.active.getLine(0)?.translateToString(true), 'safe text');
  assert.deepEqual(events, []);
  term.dispose();
});
