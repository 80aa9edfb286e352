// The session-name rule (src/tmux/sessionName.ts) and the Unix user-name rule
// (src/host/unixUserName.ts) are each one rule: the CLI, the guest-account setup and the VS Code
// settings (whose patterns live in package.json) must accept exactly the same names.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GuestSetupError, resolveGuestSetupOptions } from '../../src/host/guestAccount/options';
import { isUnixUserName } from '../../src/host/unixUserName';
import { isValidSessionName } from '../../src/tmux/sessionName';

interface SettingSchema {
  pattern: string;
}
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, SettingSchema> } | Array<{ properties: Record<string, SettingSchema> }> };
};
function settingPattern(key: string): RegExp {
  const configuration = manifest.contributes.configuration;
  const sections = Array.isArray(configuration) ? configuration : [configuration];
  const schema = sections.map((s) => s.properties[key]).find((p) => p !== undefined);
  assert.ok(schema?.pattern, `${key} has a pattern in package.json`);
  return new RegExp(schema.pattern);
}

const USER_NAMES = ['guest', 'g', '_svc', 'guest-2', 'web_user', 'a'.repeat(32), 'a'.repeat(33), 'Guest', '2guest', '-guest', 'gu est', 'gu.est', 'gü', '', 'guest$', 'root'];
const SESSION_NAMES = ['broadcast', 'B-1_x', 'a', 'a'.repeat(64), 'a'.repeat(65), '', 'my:session', 'a.b', 'has space', 'x;y', 'ü'];

test('user names: the VS Code setting pattern accepts exactly what the module accepts', () => {
  const setting = settingPattern('guestBroadcast.guestUser');
  for (const name of USER_NAMES) assert.equal(setting.test(name), isUnixUserName(name), JSON.stringify(name));
  assert.ok(isUnixUserName('a'.repeat(32)) && !isUnixUserName('a'.repeat(33)) && !isUnixUserName('Guest'));
});

test('user names: the guest-account setup accepts exactly what the module accepts (root aside)', () => {
  for (const name of USER_NAMES.filter((n) => n !== 'root')) {
    let accepted = true;
    try {
      resolveGuestSetupOptions({ guestUser: name, hostUser: 'hostuser', tmuxPath: '/usr/bin/tmux', perlPath: '/usr/bin/perl' });
    } catch (error) {
      assert.ok(error instanceof GuestSetupError, String(error));
      assert.match(error.message, /not a valid Unix user name/);
      accepted = false;
    }
    assert.equal(accepted, isUnixUserName(name), JSON.stringify(name));
  }
});

test('session names: the VS Code setting pattern and the setup accept exactly what the module accepts', () => {
  const setting = settingPattern('guestBroadcast.sessionName');
  for (const name of SESSION_NAMES) {
    assert.equal(setting.test(name), isValidSessionName(name), JSON.stringify(name));
    let accepted = true;
    try {
      resolveGuestSetupOptions({ sessionName: name, hostUser: 'hostuser', tmuxPath: '/usr/bin/tmux', perlPath: '/usr/bin/perl' });
    } catch (error) {
      assert.match((error as Error).message, /is not allowed/);
      accepted = false;
    }
    assert.equal(accepted, isValidSessionName(name), JSON.stringify(name));
  }
  assert.ok(isValidSessionName('a'.repeat(64)) && !isValidSessionName('a'.repeat(65)) && !isValidSessionName('my:session'));
});
