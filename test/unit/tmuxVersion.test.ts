import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSupported, hasServerAccess, parseTmuxVersion, TmuxVersionError } from '../../src/tmux/version';

test('parses release versions with and without a letter', () => {
  assert.deepEqual(parseTmuxVersion('tmux 3.3a\n'), { major: 3, minor: 3, suffix: 'a', raw: 'tmux 3.3a' });
  assert.deepEqual(parseTmuxVersion('tmux 3.4'), { major: 3, minor: 4, suffix: '', raw: 'tmux 3.4' });
  assert.equal(parseTmuxVersion('tmux next-3.6').minor, 6);
  assert.equal(parseTmuxVersion('tmux 3.2-rc3').suffix, '-rc3');
  assert.equal(parseTmuxVersion('tmux master').major, 99);
});

test('rejects output that is not tmux', () => {
  assert.throws(() => parseTmuxVersion('bash: tmux: command not found'), TmuxVersionError);
});

test('below 3.2 is refused with a message that says what to do', () => {
  assert.throws(() => assertSupported(parseTmuxVersion('tmux 3.1c')), /too old.*3\.2 or newer/s);
  assert.throws(() => assertSupported(parseTmuxVersion('tmux 2.9')), TmuxVersionError);
  assertSupported(parseTmuxVersion('tmux 3.2a'));
  assertSupported(parseTmuxVersion('tmux 4.0'));
});

test('server-access exists from 3.3 on', () => {
  assert.equal(hasServerAccess(parseTmuxVersion('tmux 3.2a')), false);
  assert.equal(hasServerAccess(parseTmuxVersion('tmux 3.3a')), true);
  assert.equal(hasServerAccess(parseTmuxVersion('tmux 4.1')), true);
});
