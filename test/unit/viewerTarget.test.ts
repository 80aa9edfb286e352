import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveTarget } from '../../src/watcher/resolveTarget';
import { listSshConfigAliases, loadSshConfig, readSshConfigAliases } from '../../src/watcher/sshConfig';
import { formatTarget, parseTargetSpec, TargetError } from '../../src/watcher/targetSpec';

test('parses [user@]host[:port] and leaves missing parts open', () => {
  assert.deepEqual(parseTargetSpec('example.org'), { user: undefined, host: 'example.org', port: undefined });
  assert.deepEqual(parseTargetSpec('alice@example.org'), { user: 'alice', host: 'example.org', port: undefined });
  assert.deepEqual(parseTargetSpec('guest@10.0.0.5:2222'), { user: 'guest', host: '10.0.0.5', port: 2222 });
  assert.deepEqual(parseTargetSpec('  box:22 '), { user: undefined, host: 'box', port: 22 });
  assert.deepEqual(parseTargetSpec('ssh://bob@host.example:2200/'), { user: 'bob', host: 'host.example', port: 2200 });
});

test('parses IPv6 in brackets, with or without a port, and bare IPv6 without one', () => {
  assert.deepEqual(parseTargetSpec('[::1]:2222'), { user: undefined, host: '::1', port: 2222 });
  assert.deepEqual(parseTargetSpec('guest@[fe80::1%eth0]'), { user: 'guest', host: 'fe80::1%eth0', port: undefined });
  assert.deepEqual(parseTargetSpec('::1'), { user: undefined, host: '::1', port: undefined });
  assert.deepEqual(parseTargetSpec('g@2001:db8::7'), { user: 'g', host: '2001:db8::7', port: undefined });
});

test('bad targets get errors that say what a good one looks like', () => {
  const bad: [string, RegExp][] = [
    ['', /No host given.*\[user@\]host\[:port\]/],
    ['guest@', /names no host/],
    ['@host', /empty user name/],
    ['host:0', /out of range/],
    ['host:70000', /out of range/],
    ['host:ssh', /not a number/],
    ['host:', /not a number/],
    ['[::1', /never closes/],
    ['[::1]x', /Unexpected "x"/],
    ['[::1]:', /not a number/],
    ['a b', /contains spaces/],
    ['http://host', /Only ssh:\/\//],
    ['-oProxyCommand=x', /not a valid host name/],
    ['ho$t', /not a valid host name/],
    ['[zz::1]', /not a valid IPv6/],
    ['bad user@host', /spaces/],
    ['us:er@host:22', /not a valid user name/],
  ];
  for (const [spec, message] of bad) {
    assert.throws(() => parseTargetSpec(spec), (e: Error) => e instanceof TargetError && message.test(e.message), spec);
  }
});

test('formats targets back in the shortest form that parses the same', () => {
  assert.equal(formatTarget({ user: 'guest', host: 'box', port: 22 }), 'guest@box');
  assert.equal(formatTarget({ user: 'guest', host: 'box', port: 2222 }), 'guest@box:2222');
  assert.equal(formatTarget({ user: 'g', host: '::1', port: 2222 }), 'g@[::1]:2222');
  assert.deepEqual(parseTargetSpec(formatTarget({ user: 'g', host: '::1', port: 22 })), { user: 'g', host: '::1', port: undefined });
});

function tempHome(config?: string): string {
  const home = mkdtempSync(join(tmpdir(), 'gb-home-'));
  if (config !== undefined) {
    mkdirSync(join(home, '.ssh'), { mode: 0o700 });
    writeFileSync(join(home, '.ssh', 'config'), config);
  }
  return home;
}

test('defaults: user guest, port 22, no config needed', async (t) => {
  const home = tempHome();
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const target = await resolveTarget('example.org', { home });
  assert.deepEqual(target, { label: 'example.org', host: 'example.org', port: 22, user: 'guest', identityFiles: [] });
});

test('~/.ssh/config aliases resolve HostName, Port, User and IdentityFile; what was typed wins', async (t) => {
  const home = tempHome(
    ['Host stream', '  HostName 127.0.0.1', '  Port 2222', '  User watcher', '  IdentityFile ~/.ssh/stream_key', '  IdentityFile %d/other_%r', '  UserKnownHostsFile ~/.ssh/kh_stream', '', 'Host *.lan', '  Port 2200', ''].join('\n'),
  );
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const target = await resolveTarget('stream', { home });
  assert.deepEqual(target, {
    label: 'stream',
    host: '127.0.0.1',
    port: 2222,
    user: 'watcher',
    identityFiles: [join(home, '.ssh/stream_key'), join(home, 'other_watcher')],
    knownHostsFiles: [join(home, '.ssh/kh_stream')],
  });
  const typed = await resolveTarget('bob@stream:2300', { home, identityFiles: ['/keys/k'] });
  assert.equal(typed.user, 'bob');
  assert.equal(typed.port, 2300);
  assert.equal(typed.identityFiles[0], '/keys/k');
  assert.equal(typed.identityFiles[2], join(home, 'other_bob'));
  assert.equal((await resolveTarget('box.lan', { home })).port, 2200);
  assert.equal((await resolveTarget('box.lan', { home, port: 2400 })).port, 2400);
  assert.deepEqual(listSshConfigAliases(loadSshConfig(join(home, '.ssh', 'config'))), ['stream']);
  assert.deepEqual(readSshConfigAliases(home), ['stream']);
  assert.deepEqual(readSshConfigAliases(join(home, 'nowhere')), []);
});

test('a bad Port in the ssh config is reported with the file', async (t) => {
  const home = tempHome('Host broken\n  Port nope\n');
  t.after(() => rmSync(home, { recursive: true, force: true }));
  await assert.rejects(resolveTarget('broken', { home }), /Port for "broken" in .*config.*not a number.*Fix the ssh config/);
});

test('Include is followed as OpenSSH does: globs from ~/.ssh in order, ~ paths, nested, and inside Host *', async (t) => {
  const home = tempHome(['Include config.d/*.conf', 'Include ~/extra/none-*', 'Host *', '  Include ~/all-hosts', 'Host direct', '  Include scoped', '  Port 2201', ''].join('\n'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const dir = join(home, '.ssh', 'config.d');
  mkdirSync(dir);
  // Read in lexical order: the first value obtained wins, so 10-work's Port for "work" beats 20-late's.
  writeFileSync(join(dir, '10-work.conf'), 'Host work\n  HostName work.internal\n  Port 2222\n  Include nested\n');
  writeFileSync(join(dir, '20-late.conf'), 'Host work late\n  Port 2999\n  User late-user\n');
  writeFileSync(join(dir, '.hidden.conf'), 'Host hidden\n  Port 1\n');
  writeFileSync(join(dir, 'ignored.txt'), 'Host ignored\n');
  writeFileSync(join(home, '.ssh', 'nested'), 'User nested-user\n');
  writeFileSync(join(home, 'all-hosts'), 'IdentityFile ~/.ssh/everywhere\nHost from-all\n  Port 2300\n');
  writeFileSync(join(home, '.ssh', 'scoped'), 'User scoped-user\nHost never-listed\n  Port 1\n');

  assert.deepEqual(readSshConfigAliases(home).sort(), ['direct', 'from-all', 'late', 'work']);
  const work = await resolveTarget('work', { home });
  assert.deepEqual([work.host, work.port, work.user], ['work.internal', 2222, 'nested-user']);
  assert.ok(work.identityFiles.includes(join(home, '.ssh', 'everywhere')), work.identityFiles.join());
  const late = await resolveTarget('late', { home });
  assert.deepEqual([late.port, late.user], [2999, 'late-user']);
  assert.equal((await resolveTarget('from-all', { home })).port, 2300);
  const direct = await resolveTarget('direct', { home });
  assert.deepEqual([direct.port, direct.user], [2201, 'scoped-user']);
  assert.equal((await resolveTarget('other', { home })).user, 'guest', 'a block-scoped Include applies only within its block');
});

test('an Include that includes itself stops with a clear error; a folder matching a pattern is skipped', async (t) => {
  const home = tempHome('Include loop\n');
  t.after(() => rmSync(home, { recursive: true, force: true }));
  writeFileSync(join(home, '.ssh', 'loop'), 'Include loop\n');
  await assert.rejects(resolveTarget('x', { home }), /nested more than 16 levels.*includes itself/);
  mkdirSync(join(home, '.ssh', 'dir.conf'));
  writeFileSync(join(home, '.ssh', 'config'), 'Include dir.conf\n');
  assert.deepEqual(readSshConfigAliases(home), [], 'a folder matching the pattern is not a file to read');
});

test('a list of relays to fail over to: the first user for all, each entry its own port, bad lists refused', async () => {
  const { parseTargetList } = await import('../../src/watcher/targetList');
  assert.deepEqual(parseTargetList('abc@r1:2223,r2:2224'), [
    { user: 'abc', host: 'r1', port: 2223 },
    { user: 'abc', host: 'r2', port: 2224 },
  ]);
  assert.deepEqual(parseTargetList('ssh://abc@[::1]:2223, other@r2/'), [
    { user: 'abc', host: '::1', port: 2223 },
    { user: 'other', host: 'r2', port: undefined },
  ]);
  assert.throws(() => parseTargetList('abc@r1,,r2'), /empty entry.*ID@relay1:2223,relay2:2223/);
  assert.throws(() => parseTargetList('abc@r1,'), /empty entry/);
  assert.throws(() => parseTargetList('abc@r1,r1'), /appears twice/);
  assert.throws(() => parseTargetList('abc@r1,r2:0'), /out of range/);
  const resolved = await resolveTarget('abc@r1:2223,r2', { sshConfigPath: null, home: '/nonexistent' });
  assert.equal(resolved.label, 'abc@r1:2223,r2');
  assert.deepEqual([resolved.host, resolved.port, resolved.user], ['r1', 2223, 'abc']);
  assert.deepEqual(resolved.alternates, [{ host: 'r2', port: 22, user: 'abc', identityFiles: [] }]);
});
