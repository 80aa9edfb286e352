// The relay's rule for asking the host again (src/relay/hostRetry.ts), on a clock the test moves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GIVE_UP_AFTER_MS, HOST_DID_NOT_ANSWER, HostRetry, isUnanswered, MAX_TRIES, requestError, RETRY_MAX_MS } from '../../src/relay/hostRetry';
import { FakeClock } from '../helpers/fakeClock';

test('only a request nobody answered (timeout, no responders) is worth asking again; an answer that is an error is not', () => {
  assert.equal(requestError(Object.assign(new Error('timeout'), { name: 'TimeoutError' })), HOST_DID_NOT_ANSWER);
  assert.equal(requestError(new Error("no responders: 'gb.b.x.open'")), HOST_DID_NOT_ANSWER);
  assert.equal(requestError(new Error('connection closed')), 'connection closed');
  assert.equal(requestError('odd'), 'odd');
  assert.ok(isUnanswered(HOST_DID_NOT_ANSWER));
  assert.ok(!isUnanswered('the host serves as many relay groups as it can'));
  assert.ok(!isUnanswered('not an open request'));

  const clock = new FakeClock();
  const retry = new HostRetry(clock, () => 0.5);
  let asked = 0;
  assert.equal(retry.retry('the host serves as many relay groups as it can', () => asked++), false);
  assert.equal(retry.waiting, false);
  clock.advance(60_000);
  assert.equal(asked, 0, 'a refusal is never asked again');
});

test('unanswered requests are asked again with a growing delay, then given up after GIVE_UP_AFTER_MS', () => {
  const clock = new FakeClock();
  const retry = new HostRetry(clock, () => 0.5);
  const delays: number[] = [];
  let last = clock.now();
  let gaveUp = false;
  const fail = (): void => {
    delays.push(clock.now() - last);
    last = clock.now();
    if (!retry.retry(HOST_DID_NOT_ANSWER, fail)) gaveUp = true;
  };
  assert.equal(retry.retry(HOST_DID_NOT_ANSWER, fail), true);
  for (let i = 0; i < 200 && !gaveUp; i++) clock.advance(1_000);
  assert.ok(gaveUp, 'the series ends');
  assert.deepEqual(delays.slice(0, 5), [500, 1000, 2000, 4000, 5000]);
  assert.ok(delays.every((d) => d <= RETRY_MAX_MS));
  assert.ok(clock.now() >= GIVE_UP_AFTER_MS && clock.now() < GIVE_UP_AFTER_MS + 2 * RETRY_MAX_MS, String(clock.now()));
  assert.ok(delays.length <= MAX_TRIES);
  assert.equal(clock.pendingTimers, 0, 'nothing left scheduled');
});

test('an answer starts a new series; hurry asks at once; cancel asks nothing more', () => {
  const clock = new FakeClock();
  const retry = new HostRetry(clock, () => 0.5);
  let asked = 0;
  const again = (): void => void asked++;
  retry.retry(HOST_DID_NOT_ANSWER, again);
  clock.advance(GIVE_UP_AFTER_MS - 1);
  assert.equal(asked, 1);
  retry.answered();
  // A fresh series: not given up although the first failure was long ago, and the delay is the first one again.
  assert.equal(retry.retry(HOST_DID_NOT_ANSWER, again), true);
  clock.advance(499);
  assert.equal(asked, 1);
  clock.advance(1);
  assert.equal(asked, 2);

  retry.retry(HOST_DID_NOT_ANSWER, again);
  assert.equal(retry.waiting, true);
  retry.hurry();
  assert.equal(asked, 3, 'the host is heard again: asked now');
  assert.equal(retry.waiting, false);
  clock.advance(RETRY_MAX_MS * 2);
  assert.equal(asked, 3, 'and not again at the old time');
  retry.hurry();
  assert.equal(asked, 3, 'nothing waiting: hurry asks nothing');

  retry.retry(HOST_DID_NOT_ANSWER, again);
  retry.cancel();
  clock.advance(RETRY_MAX_MS * 2);
  assert.equal(asked, 3);
  assert.equal(clock.pendingTimers, 0);
});
