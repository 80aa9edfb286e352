import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Broadcast } from '../../src/host/broadcast';
import { assertSupported, hasServerAccess, parseTmuxVersion, TmuxVersionError } from '../../src/tmux/version';
import { SystemSshRoute } from '../../src/host/routes/systemSshRoute';

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

test('the system mode needs 3.3 (server-access): before it any local user could attach read-write', () => {
  for (const raw of ['tmux 3.2a', 'tmux 3.2', 'tmux 3.2-rc3']) {
    assert.throws(
      () => assertSupported(parseTmuxVersion(raw), 'system'),
      (error: Error) =>
        error instanceof TmuxVersionError &&
        error.message.includes(`${raw} is too old for the system mode`) &&
        /tmux 3\.3 or newer/.test(error.message) &&
        /--mode embedded/.test(error.message),
    );
    // The embedded mode never shares the socket: 3.2 is enough there.
    assertSupported(parseTmuxVersion(raw), 'embedded');
  }
  assert.throws(() => assertSupported(parseTmuxVersion('tmux 3.1c'), 'system'), TmuxVersionError);
  assertSupported(parseTmuxVersion('tmux 3.3a'), 'system');
  assertSupported(parseTmuxVersion('tmux next-3.6'), 'system');
});

test('a system-mode start on tmux 3.2 is refused before anything is made', async () => {
  // A tmux that says it is 3.2a and fails anything else: the start must stop at the version.
  const dir = mkdtempSync(join(tmpdir(), 'gb-tmux32-'));
  try {
    const fake = join(dir, 'tmux');
    writeFileSync(fake, '#!/bin/sh\n[ "$1" = -V ] && { echo "tmux 3.2a"; exit 0; }\necho "unexpected: $*" >&2\nexit 1\n', { mode: 0o755 });
    const socketPath = join(dir, 'sock', 'guest');
    await assert.rejects(
      Broadcast.start({ routes: [new SystemSshRoute({ guestUser: 'guest' })], socketPath, sessionName: 'broadcast', tmuxBin: fake }),
      /tmux 3\.2a is too old for the system mode/,
    );
    assert.equal(existsSync(join(dir, 'sock')), false, 'the socket folder was made');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
