// Listener APIs return a Disposable (src/listeners.ts): a listener removed by it is not called
// again, whether removed before an event, by another listener during one, or twice.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ListenerList } from '../../src/listeners';
import { openWatchSession } from '../../src/watcher';
import { WatchState } from '../../src/watcher/types';
import { freePort } from '../helpers/freePort';
import { waitFor } from '../helpers/wait';

test('a disposed listener is not called; the others still are', () => {
  const list = new ListenerList<[n: number]>();
  const a: number[] = [];
  const b: number[] = [];
  const first = list.add((n) => a.push(n));
  list.add((n) => b.push(n));
  list.fire(1);
  first.dispose();
  list.fire(2);
  assert.deepEqual(a, [1]);
  assert.deepEqual(b, [1, 2]);
  assert.equal(list.size, 1);
});

test('the same function added twice is two listeners, each removed by its own dispose; a second dispose changes nothing', () => {
  const list = new ListenerList<[]>();
  let calls = 0;
  const listener = () => void calls++;
  const one = list.add(listener);
  list.add(listener);
  list.fire();
  assert.equal(calls, 2);
  one.dispose();
  one.dispose();
  list.fire();
  assert.equal(calls, 3, 'the other registration of the same function stays');
});

test('a listener disposed by an earlier one during an event is not called; one added during it is called from the next event on', () => {
  const list = new ListenerList<[]>();
  const calls: string[] = [];
  let late = false;
  // eslint-disable-next-line prefer-const
  let second: { dispose(): void };
  list.add(() => {
    calls.push('first');
    second.dispose();
    if (!late) list.add(() => calls.push('added'));
    late = true;
  });
  second = list.add(() => calls.push('second'));
  list.fire();
  assert.deepEqual(calls, ['first']);
  list.fire();
  assert.deepEqual(calls, ['first', 'first', 'added']);
});

test('clear() removes every listener', () => {
  const list = new ListenerList<[]>();
  let calls = 0;
  list.add(() => void calls++);
  list.add(() => void calls++);
  list.clear();
  list.fire();
  assert.equal(calls, 0);
  assert.equal(list.size, 0);
});

const home = mkdtempSync(join(tmpdir(), 'gb-listeners-'));
after(() => rmSync(home, { recursive: true, force: true }));

test('a watch session does not call a state listener disposed before its first state', async () => {
  // Nothing listens on this loopback port: the session reports an error (never reached).
  const port = await freePort();
  const session = openWatchSession(
    { label: `guest@127.0.0.1:${port}`, host: '127.0.0.1', port, user: 'guest', identityFiles: [] },
    { confirmNewHostKey: async () => false, askSecret: async () => undefined },
    { cols: 80, rows: 24, knownHostsFiles: [join(home, 'known_hosts')], hostKeyStorePath: join(home, 'store'), home, agentSocket: null },
  );
  try {
    const kept: WatchState[] = [];
    const removed: WatchState[] = [];
    session.onState((s) => kept.push(s));
    session.onState((s) => removed.push(s)).dispose();
    const output = session.onOutput(() => assert.fail('no output from a port nothing listens on'));
    output.dispose();
    await waitFor('the session to give up on the closed port', () => kept.some((s) => s.kind === 'error'), 10_000);
    assert.deepEqual(removed, []);
  } finally {
    session.close();
  }
});
