import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutputBatcher } from '../../src/ui/watcher/outputBatcher';
import { FakeClock } from '../helpers/fakeClock';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

function setup(maxBatchBytes = 1024) {
  const clock = new FakeClock();
  const sent: { at: number; data: string }[] = [];
  const batcher = new OutputBatcher((batch) => sent.push({ at: clock.time, data: text(batch) }), { timers: clock, intervalMs: 16, maxBatchBytes });
  return { clock, sent, batcher };
}

test('holds everything until the webview is ready, then posts it in order', () => {
  const { clock, sent, batcher } = setup();
  batcher.push(bytes('one '));
  batcher.push(bytes('two '));
  clock.advance(1000);
  assert.equal(sent.length, 0, 'nothing may be posted before ready');
  assert.equal(batcher.backlog, 8);
  batcher.start();
  batcher.push(bytes('three'));
  clock.advance(0);
  assert.deepEqual(sent.map((s) => s.data), ['one two three']);
  assert.equal(batcher.backlog, 0);
});

test('under load posts at most one message per interval, losing nothing', () => {
  const { clock, sent, batcher } = setup();
  batcher.start();
  let expected = '';
  for (let i = 0; i < 200; i++) {
    const chunk = `chunk ${i};`;
    expected += chunk;
    batcher.push(bytes(chunk));
    clock.advance(1); // a chunk every millisecond
  }
  clock.advance(1000);
  assert.equal(sent.map((s) => s.data).join(''), expected);
  for (let i = 1; i < sent.length; i++) {
    assert.ok(sent[i].at - sent[i - 1].at >= 16, `posts ${i - 1} and ${i} were ${sent[i].at - sent[i - 1].at} ms apart`);
  }
  assert.ok(sent.length <= Math.ceil(200 / 16) + 1, `${sent.length} posts for 200 ms of output`);
});

test('batches are bounded in size; a backlog drains one batch per interval', () => {
  const { clock, sent, batcher } = setup(100);
  const big = 'x'.repeat(250) + 'END';
  batcher.push(bytes(big));
  batcher.start();
  clock.advance(0);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].data.length, 100);
  clock.advance(15);
  assert.equal(sent.length, 1, 'the next batch waits for the interval');
  clock.advance(100);
  assert.deepEqual(sent.map((s) => s.data.length), [100, 100, 53]);
  assert.equal(sent.map((s) => s.data).join(''), big);
});

test('a quiet spell lets the next chunk go out at once', () => {
  const { clock, sent, batcher } = setup();
  batcher.start();
  batcher.push(bytes('a'));
  clock.advance(0);
  clock.advance(500);
  batcher.push(bytes('b'));
  clock.advance(0);
  assert.deepEqual(sent, [{ at: 0, data: 'a' }, { at: 500, data: 'b' }]);
});

test('dispose drops the backlog and cancels the timer', () => {
  const { clock, sent, batcher } = setup();
  batcher.start();
  batcher.push(bytes('a'));
  batcher.dispose();
  batcher.push(bytes('b'));
  clock.advance(100);
  assert.deepEqual(sent, []);
  assert.equal(clock.pendingTimers, 0);
});
