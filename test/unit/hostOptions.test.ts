// One options model for the host (src/host/hostOptions.ts): the CLI and the VS Code settings give
// it raw values and get the same validated options, or the same mistake named their own way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLI_OPTION_NAMES, HostOptionError, parseHostOptions, SETTING_NAMES } from '../../src/host/hostOptions';

test('nothing given: the defaults', () => {
  assert.deepEqual(parseHostOptions({}, CLI_OPTION_NAMES), { mode: 'embedded', socketPath: undefined, sessionName: 'broadcast', guestUser: 'guest', access: 'open', web: undefined });
  assert.deepEqual(parseHostOptions({ mode: '', socketPath: ' ', sessionName: '', guestUser: '', access: '' }, SETTING_NAMES), parseHostOptions({}, SETTING_NAMES));
});

test('good values are kept (trimmed)', () => {
  assert.deepEqual(parseHostOptions({ mode: 'system', socketPath: '/run/gb/sock ', sessionName: ' work', guestUser: 'viewer', access: 'keys' }, SETTING_NAMES), {
    mode: 'system', socketPath: '/run/gb/sock', sessionName: 'work', guestUser: 'viewer', access: 'keys', web: undefined,
  });
});

test('each mistake is named the way the user set it: the CLI flag or the VS Code setting', () => {
  const cases: Array<[Record<string, string>, RegExp, RegExp]> = [
    [{ mode: 'other' }, /^--mode must be "embedded" or "system" \(got "other"\)\.$/, /^guestBroadcast\.mode must be "embedded" or "system"/],
    [{ socketPath: 'rel/sock' }, /^--socket "rel\/sock" must be an absolute path/, /^guestBroadcast\.socketPath "rel\/sock" must be an absolute path/],
    [{ sessionName: 'a:b' }, /^--session "a:b" is not allowed: use 1-64 letters/, /^guestBroadcast\.sessionName "a:b" is not allowed/],
    [{ guestUser: 'Guest' }, /^--guest-user "Guest" is not a valid Unix user name: use a lower-case letter/, /^guestBroadcast\.guestUser "Guest" is not a valid Unix user name/],
    [{ access: 'everyone' }, /^--access must be one of open, password, keys \(got "everyone"\)\.$/, /^guestBroadcast\.access must be one of open, password, keys/],
    [{ web: '8080', access: 'keys' }, /^--web cannot be used with --access keys: browsers have no SSH keys/, /^guestBroadcast\.web cannot be used with guestBroadcast\.access keys/],
    [{ webKey: '/k.pem' }, /^--web-key is only used with --web/, /^guestBroadcast\.webKey is only used with guestBroadcast\.web/],
    [{ web: '8080', webCert: '/c.pem' }, /^--web-key is missing: TLS needs both --web-cert/, /^guestBroadcast\.webKey is missing/],
    [{ web: 'a:b:c' }, /^--web "a:b:c" is not a listen address/, /^guestBroadcast\.web "a:b:c" is not a listen address/],
  ];
  for (const [raw, cli, setting] of cases) {
    assert.throws(() => parseHostOptions(raw, CLI_OPTION_NAMES), (e: Error) => e instanceof HostOptionError && cli.test(e.message), JSON.stringify(raw));
    assert.throws(() => parseHostOptions(raw, SETTING_NAMES), (e: Error) => e instanceof HostOptionError && setting.test(e.message), JSON.stringify(raw));
  }
});
