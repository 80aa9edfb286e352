// The curtain's parts that need no tmux: its marks in a client's stream (split, kept by the fan-out's
// filter only when asked, dropped toward every guest terminal, the system relay's filter included),
// the feed delivering marks in order with bytes (live, queued while syncing, before a snapshot),
// the message rule, and the curtain program's Perl text.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { CURTAIN_DOWN_MARK, CURTAIN_UP_MARK, curtainAfter, splitCurtainMarks, StreamMark } from '../../src/host/curtain/curtainMarks';
import { curtainLockCommand, curtainProgramSource } from '../../src/host/curtain/curtainProgram';
import { checkCurtainMessage, curtainFromMarkers, curtainToggleCommand, MAX_CURTAIN_MESSAGE } from '../../src/host/curtain/curtainTmux';
import { GuestFeed, GuestSink, SnapshotSource } from '../../src/host/fanout/guestFeed';
import { GuestOutputFilter, guestFilterPerl } from '../../src/host/guestOutputFilter';

test('curtain marks: split out of a stream in order; the side of the curtain at its end', () => {
  const stream = `a${CURTAIN_DOWN_MARK}curtain${CURTAIN_UP_MARK}${CURTAIN_DOWN_MARK}b`;
  assert.deepEqual(splitCurtainMarks(stream), ['a', { curtain: 'down' }, 'curtain', { curtain: 'up' }, { curtain: 'down' }, 'b']);
  assert.equal(curtainAfter(stream, false), true);
  assert.equal(curtainAfter(`x${CURTAIN_UP_MARK}`, true), false);
  assert.equal(curtainAfter('no marks', true), true);
  assert.deepEqual(splitCurtainMarks('plain'), ['plain']);
});

test('the fan-out filter keeps the exact curtain marks only when asked; every other APC, and both marks by default, are dropped', () => {
  const input = `a${CURTAIN_DOWN_MARK}b\x1b_guest-broadcast:curtain-downX\x1b\\c\x1b_other\x1b\\d${CURTAIN_UP_MARK}e`;
  assert.equal(new GuestOutputFilter().push(input), 'abcde');
  assert.equal(new GuestOutputFilter(true).push(input), `a${CURTAIN_DOWN_MARK}bcd${CURTAIN_UP_MARK}e`);
  // Split at every byte, the marks still come through whole.
  const keep = new GuestOutputFilter(true);
  assert.equal([...input].map((c) => keep.push(c)).join(''), `a${CURTAIN_DOWN_MARK}bcd${CURTAIN_UP_MARK}e`);
});

test("the system relay's Perl filter drops the curtain marks: an SSH guest's terminal never gets them", () => {
  const script = `use strict; use warnings; binmode STDOUT; ${guestFilterPerl()}\nprint guest_safe(pack('H*', $ARGV[0]));`;
  const out = execFileSync('perl', ['-e', script, Buffer.from(`a${CURTAIN_DOWN_MARK}b${CURTAIN_UP_MARK}c`).toString('hex')]).toString();
  assert.equal(out, 'abc');
});

class RecordingSink implements GuestSink {
  writable = true;
  writableLength = 0;
  readonly events: Array<string | StreamMark> = [];
  write(data: Buffer, done: () => void): boolean {
    this.events.push(data.toString('utf8'));
    done();
    return true;
  }
  on(): void {}
  mark(mark: StreamMark): void {
    this.events.push(mark);
  }
}

test('a feed delivers marks in order with its bytes: live, queued while it waits for a snapshot, and says which side a snapshot is on', () => {
  const sink = new RecordingSink();
  let asked: number | undefined;
  const source: SnapshotSource = { requestSnapshot: (_feed, generation) => (asked = generation) };
  const feed = new GuestFeed(sink);
  feed.start(source, true);
  feed.push(Buffer.from('one'));
  feed.mark({ curtain: 'down' });
  feed.push(Buffer.from('curtain'));
  assert.deepEqual(sink.events, ['one', { curtain: 'down' }, 'curtain']);

  sink.events.length = 0;
  feed.start(source, false); // a resynchronisation: bytes and marks wait for the snapshot
  feed.push(Buffer.from('more curtain'));
  feed.mark({ curtain: 'up' });
  feed.push(Buffer.from('session'));
  assert.deepEqual(sink.events, []);
  feed.deliverSnapshot(asked!, 'SNAPSHOT', 'down');
  assert.deepEqual(sink.events, [{ curtain: 'down' }, 'SNAPSHOT', 'more curtain', { curtain: 'up' }, 'session']);

  // A sink without mark() (a guest's terminal) gets the bytes alone.
  const plain: GuestSink = { writable: true, writableLength: 0, write: (_d, done) => done(), on: () => undefined };
  const feed2 = new GuestFeed(plain);
  feed2.start(source, true);
  assert.doesNotThrow(() => feed2.mark({ curtain: 'down' }));
});

test('the curtain message: one line of plain text, bounded; the markers read back', () => {
  assert.equal(checkCurtainMessage('  Back in five  '), 'Back in five');
  assert.equal(checkCurtainMessage('Café ☕ — 5 min'), 'Café ☕ — 5 min');
  assert.throws(() => checkCurtainMessage('a\nb'), /one line of plain text/);
  assert.throws(() => checkCurtainMessage('a\tb'), /one line of plain text/);
  assert.throws(() => checkCurtainMessage('\x1b]52;c;eA==\x07'), /one line of plain text/);
  assert.throws(() => checkCurtainMessage('x'.repeat(MAX_CURTAIN_MESSAGE + 1)), /too long/);
  assert.deepEqual(curtainFromMarkers({}), { paused: false, message: '' });
  assert.deepEqual(curtainFromMarkers({ paused: '0', 'pause-message': 'x' }), { paused: false, message: 'x' });
  assert.deepEqual(curtainFromMarkers({ paused: '1', 'pause-message': 'Back soon' }), { paused: true, message: 'Back soon' });
  assert.equal(curtainFromMarkers({ paused: 'ending' }).paused, true, 'a stop behind the curtain is still behind it');
});

test('the curtain program is valid Perl; its lock command quotes every path', () => {
  execFileSync('perl', ['-c', '-e', curtainProgramSource()], { stdio: 'pipe' });
  const command = curtainLockCommand({ perl: '/usr/bin/perl', tmux: '/usr/bin/tmux', socketPath: "/tmp/it's here/sock", hostLockCommand: 'lock -np' });
  assert.match(command, /^exec \/usr\/bin\/perl -e '/);
  assert.ok(command.endsWith(` /usr/bin/tmux '/tmp/it'\\''s here/sock' 'lock -np'`), command.slice(-200));
  assert.ok(!/^\s*#/m.test(curtainProgramSource()), 'comments stay in the source, not in every lock command');
  assert.ok(Buffer.byteLength(command) < 16_000, 'fits in one tmux message (MAX_IMSGSIZE 16384)');
  // The key binding: resume when paused, pause otherwise; the nudge path's # stays one # for the shell.
  const toggle = curtainToggleCommand('/tmp/a#b/sock');
  assert.match(toggle, /^if-shell -F "#\{==:#\{@paused\},1\}" \{ set-option -g @paused 0 ; /);
  assert.match(toggle, /lock-session/);
  assert.match(toggle, /run-shell -b "umask 022; date \+%s\.%N > '\/tmp\/a##b\/sock\.nudge'"/);
});
