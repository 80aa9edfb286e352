// The host's frame pacer (src/host/embedded/outputPacer.ts) on a clock moved by hand: typing goes
// out at once, a flood goes out in frames, nothing is lost or reordered, and an exit flushes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUSY_PIECES, FLOOD_BYTES, FRAME_MS, OutputPacer, WINDOW_MS } from '../../src/host/fanout/outputPacer';
import { FakeClock } from '../helpers/fakeClock';

interface Sent {
  at: number;
  data: string;
  frame: boolean;
}

/** A pacer whose frames are emitted at once, or held until the test calls the returned `done`s. */
function setup(holdFrames = false) {
  const clock = new FakeClock();
  const sent: Sent[] = [];
  const held: Array<() => void> = [];
  const pacer = new OutputPacer(
    (data) => sent.push({ at: clock.time, data, frame: false }),
    (data, done) => {
      sent.push({ at: clock.time, data, frame: true });
      if (holdFrames) held.push(done);
      else done();
    },
    clock,
  );
  return { clock, sent, held, pacer };
}

const all = (sent: Sent[]) => sent.map((s) => s.data).join('');

test('typing and a few lines of output go out the moment they are read, never in a frame', () => {
  const { clock, sent, pacer } = setup();
  let expected = '';
  // A fast typist with a prompt after each line: far below a flood, for ten seconds.
  for (let i = 0; i < 1000; i++) {
    const piece = i % 10 === 9 ? `\r\nline ${i} of output\r\n$ ` : String.fromCharCode(97 + (i % 26));
    pacer.push(piece);
    expected += piece;
    assert.equal(sent.at(-1)?.data, piece, 'sent as it came');
    assert.equal(sent.at(-1)?.at, clock.time, 'with no delay');
    clock.advance(10);
  }
  assert.equal(all(sent), expected);
  assert.ok(sent.every((s) => !s.frame));
  assert.equal(clock.pendingTimers, 0);
});

test('a flood goes out in frames of FRAME_MS, in order, and typing after it goes out at once again', () => {
  const { clock, sent, pacer } = setup();
  const chunk = 'x'.repeat(1000) + '\n';
  let expected = '';
  // 2 s of a tmux client's flood: a chunk of 1 KB every 2 ms.
  for (let t = 0; t < 2000; t += 2) {
    const piece = `${t}:${chunk}`;
    pacer.push(piece);
    expected += piece;
    clock.advance(2);
  }
  // The frame holding the last chunk, then one that gathers nothing.
  clock.advance(2 * FRAME_MS);
  assert.equal(all(sent), expected, 'every byte, in order');
  const frames = sent.filter((s) => s.frame);
  // Until the window holds FLOOD_BYTES the pieces go out at once; then one frame per FRAME_MS.
  assert.ok(sent.filter((s) => !s.frame).length <= Math.ceil(FLOOD_BYTES / chunk.length) + 1, `few pieces before the frames: ${sent.length}`);
  assert.ok(frames.length >= 2000 / FRAME_MS - 2 && frames.length <= 2000 / FRAME_MS + 1, `about one frame per ${FRAME_MS} ms: ${frames.length}`);
  for (let i = 1; i < frames.length; i++) assert.ok(frames[i].at - frames[i - 1].at >= FRAME_MS, 'no two frames within FRAME_MS');
  assert.equal(clock.pendingTimers, 0, 'the last frame gathered nothing: framing stopped');

  // The flood is over: a keystroke a moment later is not held for a frame.
  clock.advance(WINDOW_MS);
  const before = sent.length;
  pacer.push('k');
  assert.equal(sent.length, before + 1);
  assert.deepEqual(sent.at(-1), { at: clock.time, data: 'k', frame: false });
});

test('output that comes while a frame is being rendered waits for it: the order is kept', () => {
  const { clock, sent, held, pacer } = setup(true);
  pacer.push('a'.repeat(FLOOD_BYTES)); // starts a flood
  pacer.push('b');
  clock.advance(FRAME_MS); // the frame with "b" goes to the group, which renders it first
  assert.equal(held.length, 1);
  pacer.push('c');
  clock.advance(FRAME_MS * 3);
  assert.equal(all(sent), 'a'.repeat(FLOOD_BYTES) + 'b', '"c" waits for the frame before it');
  held.shift()?.();
  clock.advance(FRAME_MS);
  held.shift()?.();
  assert.equal(all(sent), 'a'.repeat(FLOOD_BYTES) + 'bc');
});

test('flush sends what a frame gathered at once, after a frame being rendered, then calls back', () => {
  const { clock, sent, held, pacer } = setup(true);
  pacer.push('a'.repeat(FLOOD_BYTES));
  pacer.push('b');
  let flushed = false;
  pacer.flush(() => (flushed = true));
  assert.equal(all(sent), 'a'.repeat(FLOOD_BYTES) + 'b', 'gathered output goes out without waiting for the frame');
  assert.ok(flushed);
  assert.equal(clock.pendingTimers, 0);

  // The same while a frame is with the group: the rest after it, then the callback.
  pacer.push('c'.repeat(FLOOD_BYTES + 1)); // still flooding: a frame starts
  pacer.push('d');
  clock.advance(FRAME_MS);
  assert.equal(held.length, 1);
  pacer.push('e');
  flushed = false;
  pacer.flush(() => (flushed = true));
  assert.ok(!flushed, 'waits for the frame being rendered');
  held.shift()?.();
  assert.ok(flushed);
  assert.equal(all(sent), 'a'.repeat(FLOOD_BYTES) + 'b' + 'c'.repeat(FLOOD_BYTES + 1) + 'de');
  clock.advance(FRAME_MS * 3);
  assert.equal(clock.pendingTimers, 0, 'no frame starts after the flush (the group has exited)');
});

test('output slower than a flood right after one (a progress bar, typing) goes out at once again', () => {
  const { clock, sent, pacer } = setup();
  for (let t = 0; t < 500; t += 2) {
    pacer.push('y'.repeat(1000));
    clock.advance(2);
  }
  // Now an echo every 80 ms. Those within the frame holding the flood's last output and the one
  // after it (which gathers too little to be a flood) wait for it; every later one goes at once.
  const floodEnd = clock.time;
  const late: number[] = [];
  for (let i = 0; i < 20; i++) {
    pacer.push(`k${i}`);
    const atOnce = sent.at(-1)?.data === `k${i}` && sent.at(-1)?.at === clock.time;
    if (!atOnce && clock.time - floodEnd >= 2 * FRAME_MS) late.push(clock.time - floodEnd);
    clock.advance(80);
  }
  assert.deepEqual(late, [], 'echoes held for a frame later than two frames after the flood');
  assert.equal(all(sent), 'y'.repeat(250_000) + Array.from({ length: 20 }, (_, i) => `k${i}`).join(''));
});

test('many small reads after a flood (tmux redrawing a client it cannot keep up with) stay in frames', () => {
  const { clock, sent, pacer } = setup();
  for (let t = 0; t < 500; t += 2) {
    pacer.push('z'.repeat(1000));
    clock.advance(2);
  }
  // What tmux sends a blocked client for 2 s: a cursor move every 7 ms (far under FLOOD_BYTES per
  // frame) and its own redraw of the screen every 100 ms.
  let expected = '';
  for (let t = 0; t < 2000; t += 7) {
    const piece = t % 98 === 0 ? 'r'.repeat(2800) : `\x1b[1;34r\x1b[33;${(t % 80) + 1}H`;
    pacer.push(piece);
    expected += piece;
    clock.advance(7);
  }
  clock.advance(3 * FRAME_MS);
  assert.equal(all(sent), 'z'.repeat(250_000) + expected, 'every byte, in order');
  const after = sent.slice(sent.findIndex((s) => !/^z*$/.test(s.data)));
  assert.ok(after.length <= 2000 / FRAME_MS + 2, `one frame per ${FRAME_MS} ms, not one write per read: ${after.length} writes for ${Math.ceil(2000 / 7)} reads`);
  assert.ok(Math.ceil(FRAME_MS / 7) >= BUSY_PIECES);
  assert.equal(clock.pendingTimers, 0, 'the quiet frame after it ended the framing');
});
