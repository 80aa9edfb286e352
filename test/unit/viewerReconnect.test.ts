import assert from 'node:assert/strict';
import { VIEW_EXIT } from '../../src/wire/viewExit';
import { test } from 'node:test';
import { backoffDelay } from '../../src/watcher/backoff';
import { allText, classifyEnd, lastTextLine } from '../../src/watcher/sessionEnd';

test('backoff starts near 1 s, doubles, and stops at 30 s', () => {
  const mid = (attempt: number): number => backoffDelay(attempt, { random: () => 0.5 });
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 20, 1000].map(mid), [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
});

test('backoff jitter stays within ±20 % and never above the maximum', () => {
  assert.equal(backoffDelay(0, { random: () => 0 }), 800);
  assert.equal(backoffDelay(0, { random: () => 1 }), 1200);
  assert.equal(backoffDelay(10, { random: () => 1 }), 30000);
  assert.equal(backoffDelay(10, { random: () => 0 }), 24000);
  const seen = new Set<number>();
  for (let i = 0; i < 50; i++) {
    const d = backoffDelay(2);
    assert.ok(d >= 3200 && d <= 4800, String(d));
    seen.add(d);
  }
  assert.ok(seen.size > 1, 'jitter varies');
  assert.equal(backoffDelay(3, { initialMs: 10, maxMs: 50, jitter: 0 }), 50);
});

test('only exit status 0 is a clean end; everything else is a lost connection', () => {
  assert.deepEqual(classifyEnd({ exitCode: 0 }), { kind: 'ended' });
  assert.equal(classifyEnd({ exitCode: 0, exitSignal: 'KILL' }).kind, 'lost');
  assert.equal(classifyEnd({ exitCode: 0, error: new Error('ECONNRESET') }).kind, 'lost');
  assert.deepEqual(classifyEnd({ exitCode: 1, drew: true, lastLine: '[server exited]' }), { kind: 'lost', reason: 'the broadcast is not available (exit status 1): [server exited]' });
  assert.match((classifyEnd({}) as { reason: string }).reason, /closed the connection/);
  assert.match((classifyEnd({ error: new Error('read ECONNRESET') }) as { reason: string }).reason, /connection lost \(read ECONNRESET\)/);
  assert.match((classifyEnd({ exitSignal: 'TERM' }) as { reason: string }).reason, /killed \(TERM\)/);
});

test('a non-zero exit status before the server drew anything is a refusal, in all its words', () => {
  const refusal = 'Guest Broadcast: no broadcast "x" is served through this relay: it has ended, or the id is mistyped.';
  assert.deepEqual(classifyEnd({ exitCode: 1, drew: false, said: refusal, lastLine: refusal }), { kind: 'refused', reason: `said: ${refusal}` });
  assert.deepEqual(classifyEnd({ exitCode: 1, lastLine: 'no server running on /tmp/x', said: 'no server running on /tmp/x' }), { kind: 'refused', reason: 'said: no server running on /tmp/x' });
  assert.match((classifyEnd({ exitCode: 2 }) as { reason: string }).reason, /exit status 2 before showing anything/);
  // Not refusals: a clean end, a drop, a killed viewer, a channel closed without a status.
  assert.equal(classifyEnd({ exitCode: 0 }).kind, 'ended');
  assert.equal(classifyEnd({ exitCode: 1, error: new Error('read ECONNRESET') }).kind, 'lost');
  assert.equal(classifyEnd({ exitSignal: 'KILL' }).kind, 'lost');
  assert.equal(classifyEnd({ said: 'hello' }).kind, 'lost');
  // A refusal for now only (VIEW_EXIT.tryAgain: a relay that cannot reach its registry this moment) is tried again.
  const forNow = 'Guest Broadcast: this relay cannot reach the broadcast registry right now (…). Connect again in a moment.';
  const verdict = classifyEnd({ exitCode: VIEW_EXIT.tryAgain, drew: false, said: forNow, lastLine: forNow });
  assert.equal(verdict.kind, 'lost');
  assert.ok(verdict.kind === 'lost' && verdict.reason.includes(forNow), JSON.stringify(verdict));
  assert.equal(allText('\r\nfirst line\r\n\r\nsecond line\r\n'), 'first line second line');
});

test('the last text line ignores escape sequences and blank lines', () => {
  assert.equal(lastTextLine('\x1b[?1049l\x1b[23;0;0t\r\nGuest Broadcast: the broadcast has ended.\r\n'), 'Guest Broadcast: the broadcast has ended.');
  assert.equal(lastTextLine('\x1b]0;t\x07\x1b[1m[server exited]\x1b[0m\r\n\r\n'), '[server exited]');
  assert.equal(lastTextLine('\x1b[H\x1b[2J'), undefined);
});
