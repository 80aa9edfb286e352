// The pure parts of the doctor's sshd check and of writing root commands: what sshd -T and
// /proc/net/tcp say, what a config listens on without sshd -T, and sudo only where it helps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asRoot } from '../../src/host/guestAccount/asRoot';
import {
  listenAddressesFromConfigText,
  listenerServes,
  parseListenAddresses,
  parseProcNetTcp,
  reloadSshdCommand,
  sshdConfigOfCommandLine,
  startSshdCommand,
} from '../../src/host/guestAccount/sshdService';

test('sshd -T listen addresses parse as host and port, IPv6 in brackets too', () => {
  assert.deepEqual(parseListenAddresses('127.0.0.1:2222\n[::]:22\n0.0.0.0:22 rdomain x'), [
    { host: '127.0.0.1', port: 2222 },
    { host: '::', port: 22 },
    { host: '0.0.0.0', port: 22 },
  ]);
});

test('without sshd -T the config text gives Port and ListenAddress before any Match', () => {
  assert.deepEqual(listenAddressesFromConfigText('# x\n'), [{ host: '0.0.0.0', port: 22 }]);
  assert.deepEqual(listenAddressesFromConfigText('Port 2200\nListenAddress 127.0.0.1\nListenAddress [::1]:2300\nMatch User x\nPort 1\n'), [
    { host: '127.0.0.1', port: 2200 },
    { host: '::1', port: 2300 },
  ]);
});

test('/proc/net/tcp LISTEN lines give address, port and inode', () => {
  const v4 = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:08AE 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0 100 0 0 10 0',
    '   1: 0100007F:08AE 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 4243 1 0 100 0 0 10 0',
  ].join('\n');
  assert.deepEqual(parseProcNetTcp(v4, false), [{ host: '127.0.0.1', port: 2222, inode: 4242 }]);
  const v6 = 'header\n   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0';
  assert.deepEqual(parseProcNetTcp(v6, true), [{ host: '::', port: 22, inode: 77 }]);
});

test('a wildcard listener serves a configured address on its port', () => {
  assert.ok(listenerServes({ host: '0.0.0.0', port: 22 }, { host: '127.0.0.1', port: 22 }));
  assert.ok(listenerServes({ host: '::', port: 22 }, { host: '127.0.0.1', port: 22 }));
  assert.ok(!listenerServes({ host: '127.0.0.1', port: 22 }, { host: '0.0.0.0', port: 22 }));
  assert.ok(!listenerServes({ host: '0.0.0.0', port: 23 }, { host: '0.0.0.0', port: 22 }));
});

test('the config a running sshd reads comes from its -f, else the default', () => {
  assert.equal(sshdConfigOfCommandLine(['sshd:', '/usr/sbin/sshd', '-D', '-e', '-f', '/tmp/c', '[listener]']), '/tmp/c');
  assert.equal(sshdConfigOfCommandLine(['sshd:', '/usr/sbin/sshd', '-D', '[listener]']), '/etc/ssh/sshd_config');
});

test('start and reload commands fit the machine: systemd, an init script, or sshd itself', () => {
  const none = { systemd: false, initScript: false };
  assert.match(startSshdCommand('/etc/ssh/sshd_config', '/usr/sbin/sshd', { systemd: true, initScript: true }), /systemctl start ssh$/);
  assert.match(startSshdCommand('/etc/ssh/sshd_config', '/usr/sbin/sshd', { systemd: false, initScript: true }), /service ssh start$/);
  assert.match(startSshdCommand('/etc/ssh/sshd_config', '/usr/sbin/sshd', none), /\/usr\/sbin\/sshd$/);
  assert.match(startSshdCommand('/tmp/c', '/usr/sbin/sshd', { systemd: true, initScript: true }), /\/usr\/sbin\/sshd -f \/tmp\/c$/);
  assert.match(reloadSshdCommand('/etc/ssh/sshd_config', 12, { systemd: true, initScript: true }), /systemctl reload ssh$/);
  assert.match(reloadSshdCommand('/tmp/c', 12, none), /kill -HUP 12$/);
});

test('root commands: as they are for root, sudo where installed, su -c otherwise', () => {
  assert.equal(asRoot('passwd -d guest', { isRoot: true, hasSudo: true }), 'passwd -d guest');
  assert.equal(asRoot('passwd -d guest', { isRoot: false, hasSudo: true }), 'sudo passwd -d guest');
  assert.equal(asRoot('passwd -d guest', { isRoot: false, hasSudo: false }), "su -c 'passwd -d guest'");
});
