// The doctor's readers of system files and sshd -T output, and its text report.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDoctorReport } from '../../src/host/guestAccount/doctor';
import { isNoLoginShell, pamAllowsEmptyPasswords, parsePasswdLine, parseSshdT, passwordState } from '../../src/host/guestAccount/systemFacts';

test('PAM nullok is found only on an active pam_unix auth line', () => {
  assert.equal(pamAllowsEmptyPasswords('auth\t[success=1 default=ignore]\tpam_unix.so nullok\n'), true);
  assert.equal(pamAllowsEmptyPasswords('auth required /lib/security/pam_unix.so try_first_pass nullok\n'), true);
  assert.equal(pamAllowsEmptyPasswords('#auth [success=1 default=ignore] pam_unix.so nullok\n'), false);
  assert.equal(pamAllowsEmptyPasswords('auth [success=1 default=ignore] pam_unix.so\n'), false);
  assert.equal(pamAllowsEmptyPasswords('password [success=1 default=ignore] pam_unix.so nullok\n'), false);
  assert.equal(pamAllowsEmptyPasswords('auth sufficient pam_unix.so nullok_secure\n'), false);
});

test('sshd -T output becomes a map of lower-case keys', () => {
  const t = parseSshdT('port 2222\nPermitEmptyPasswords yes\nforcecommand /usr/local/libexec/guest-broadcast/watch-guest\nlistenaddress 127.0.0.1:2222\nlistenaddress [::1]:2222\n');
  assert.equal(t.get('port'), '2222');
  assert.equal(t.get('permitemptypasswords'), 'yes');
  assert.equal(t.get('forcecommand'), '/usr/local/libexec/guest-broadcast/watch-guest');
  assert.equal(t.get('listenaddress'), '127.0.0.1:2222\n[::1]:2222');
});

test('passwd and shadow fields', () => {
  assert.deepEqual(parsePasswdLine('guest:x:1001:1001:Guest Broadcast viewer:/:/bin/sh\n'), { name: 'guest', uid: 1001, gid: 1001, home: '/', shell: '/bin/sh' });
  assert.equal(parsePasswdLine('broken'), undefined);
  assert.equal(isNoLoginShell('/usr/sbin/nologin'), true);
  assert.equal(isNoLoginShell('/bin/false'), true);
  assert.equal(isNoLoginShell(''), true);
  assert.equal(isNoLoginShell('/bin/sh'), false);
  assert.equal(passwordState(''), 'empty');
  assert.equal(passwordState('!'), 'locked');
  assert.equal(passwordState('*'), 'locked');
  assert.equal(passwordState('$y$j9T$abc'), 'set');
});

test('the text report shows each check, a fix for each problem, and a verdict', () => {
  const text = formatDoctorReport({
    ok: false,
    checks: [
      { id: 'user', title: 'user guest', status: 'ok', detail: 'uid 1001' },
      { id: 'shell', title: 'login shell', status: 'fail', detail: 'The shell is /usr/sbin/nologin.', fix: 'sudo usermod --shell /bin/sh guest' },
    ],
  });
  assert.equal(text, ['[ok  ] user guest: uid 1001', '[FAIL] login shell: The shell is /usr/sbin/nologin.', '       fix: sudo usermod --shell /bin/sh guest', '1 problem found.'].join('\n'));
});
