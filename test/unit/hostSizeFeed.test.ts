// The broadcast's one host-size feed (src/host/fanout/hostSizeFeed.ts) is shared by the routes and
// the recording: each user holds a scope, and ending one scope (a route closing) ends only the
// subscriptions made through it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HostSizeScope, type HostSizeSource } from '../../src/host/fanout/hostSizeFeed';
import type { TerminalSize } from '../../src/wire/hostSize';

/** A feed whose size the test sets, and which counts its listeners. */
class FakeFeed implements HostSizeSource {
  readonly listeners = new Set<(size: TerminalSize) => void>();
  size: TerminalSize | undefined;
  subscribe(listener: (size: TerminalSize) => void): () => void {
    this.listeners.add(listener);
    if (this.size) listener(this.size);
    return () => this.listeners.delete(listener);
  }
  set(size: TerminalSize): void {
    this.size = size;
    for (const l of [...this.listeners]) l(size);
  }
}

test("a scope's stop ends its own subscriptions only; the other users keep hearing the host's size", () => {
  const feed = new FakeFeed();
  const route = new HostSizeScope(feed);
  const recording = new HostSizeScope(feed);
  const heard: string[] = [];
  route.subscribe((s) => heard.push(`route ${s.cols}x${s.rows}`));
  route.subscribe((s) => heard.push(`page ${s.cols}x${s.rows}`));
  recording.subscribe((s) => heard.push(`recording ${s.cols}x${s.rows}`));
  feed.set({ cols: 80, rows: 24 });
  route.stop();
  assert.equal(feed.listeners.size, 1);
  feed.set({ cols: 100, rows: 30 });
  assert.deepEqual(heard, ['route 80x24', 'page 80x24', 'recording 80x24', 'recording 100x30']);
  // A stopped scope takes no new subscription.
  route.subscribe(() => heard.push('late'));
  feed.set({ cols: 90, rows: 30 });
  assert.ok(!heard.includes('late'));
});

test('a scope stopped from inside its listener (called at once by subscribe) leaves nothing subscribed', () => {
  const feed = new FakeFeed();
  feed.size = { cols: 80, rows: 24 };
  const scope = new HostSizeScope(feed);
  let calls = 0;
  const unsubscribe = scope.subscribe(() => {
    calls++;
    scope.stop();
  });
  assert.equal(feed.listeners.size, 0, 'dropped although subscribe() had not returned yet');
  feed.set({ cols: 81, rows: 24 });
  assert.equal(calls, 1);
  unsubscribe();
  unsubscribe();
  assert.equal(feed.listeners.size, 0);
});
