// The embedded server's small parts: listen addresses, authorized_keys, secrets, passphrase,
// host key files, connection counting, the guest's terminal and node-pty loading.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { utils } from 'ssh2';
import { secretsEqual } from '../../src/host/embedded/access';
import { parseAuthorizedKeys } from '../../src/host/embedded/authorizedKeys';
import { ConnectionLimits, normalizeAddress } from '../../src/host/connectionLimits';
import { loadOrCreateHostKey } from '../../src/host/embedded/hostKey';
import { describeExposure, embeddedJoinCommand, formatListen, parseListen } from '../../src/host/embedded/listen';
import { generatePassphrase, loadOrCreatePassphrase, readPassphrase, regeneratePassphrase } from '../../src/host/embedded/passphrase';
import { guestClientEnv, guestTerm } from '../../src/host/fanout/terminal';
import { clampSize } from '../../src/host/guestWindow';
import { loadNodePty, nodePtyCandidates } from '../../src/host/ptyLoader';
import { generateEd25519KeyPair, keyPairParses } from '../../src/host/embedded/ed25519';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'gb-unit-'));
  dirs.push(d);
  return d;
}
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test('listen addresses: forms accepted, bad ones explained with the setting name', () => {
  assert.deepEqual(parseListen('127.0.0.1:2222'), { host: '127.0.0.1', port: 2222 });
  assert.deepEqual(parseListen('0.0.0.0:22'), { host: '0.0.0.0', port: 22 });
  assert.deepEqual(parseListen('2223'), { host: '127.0.0.1', port: 2223 });
  assert.deepEqual(parseListen('[::1]:2222'), { host: '::1', port: 2222 });
  assert.deepEqual(parseListen(' localhost:0 '), { host: 'localhost', port: 0 });
  assert.equal(formatListen({ host: '::', port: 2222 }), '[::]:2222');
  assert.throws(() => parseListen('127.0.0.1'), /guestBroadcast\.listen "127\.0\.0\.1" is not a listen address \(no port\)/);
  assert.throws(() => parseListen('host:99999', '--listen'), /--listen "host:99999".*ports go up to 65535/);
  assert.throws(() => parseListen(':2222', '--listen'), /--listen ":2222" is not a listen address \(no address before the port: write 127\.0\.0\.1:2222 or 0\.0\.0\.0:2222\)/);
  assert.throws(() => parseListen('::1:2222'), /in brackets/);
  assert.throws(() => parseListen('[nope]:2222'), /not an IPv6 address/);
  assert.throws(() => parseListen('bad host:22'), /not an address or host name/);
  assert.throws(() => parseListen('a:b'), /"b" is not a port number/);
});

test('exposure and watch command say who can reach the server', () => {
  assert.match(describeExposure({ host: '127.0.0.1', port: 2222 }), /only people logged in to this machine/);
  assert.match(describeExposure({ host: '0.0.0.0', port: 2222 }), /EVERY network interface.*port 2222/);
  assert.match(describeExposure({ host: '192.168.1.5', port: 2222 }), /anyone who can reach 192\.168\.1\.5 on port 2222/);
  assert.equal(embeddedJoinCommand({ host: '127.0.0.1', port: 2222 }), 'ssh -p 2222 guest@127.0.0.1');
  assert.equal(embeddedJoinCommand({ host: '0.0.0.0', port: 22 }, 'guest', 'devbox'), 'ssh guest@devbox');
});

test('authorized_keys: comments, options, quoted commas, bad lines and narrowing options', () => {
  const a = generateEd25519KeyPair('a@x').public;
  const b = utils.generateKeyPairSync('ecdsa', { bits: 256 }).public;
  const c = generateEd25519KeyPair().public;
  const text = [
    '# team',
    '',
    `${a}`,
    `restrict,command="echo a, b" ${b} ci key`,
    `from="10.0.0.0/8,192.168.0.1",no-pty ${c}`,
    'ssh-ed25519 not-base64!',
    'ssh-dss AAAAB3NzaC1kc3M= old',
    'garbage',
    `  ${c.split(' ')[0]} ${c.split(' ')[1]}   spaced   comment  `,
  ].join('\n');
  const { keys, problems } = parseAuthorizedKeys(text, 'ak');
  assert.deepEqual(keys.map((k) => k.line), [3, 4, 9]);
  assert.equal(keys[1].comment, 'ci key');
  assert.equal(keys[2].comment, 'spaced comment');
  assert.equal(keys[0].key.type, 'ssh-ed25519');
  assert.equal(keys[1].key.type, 'ecdsa-sha2-nistp256');
  assert.equal(problems.length, 4);
  assert.match(problems[0], /^ak line 5: option from, no-pty cannot be honoured/);
  assert.match(problems[1], /^ak line 6: .*skipped/);
  assert.ok(!problems[1].includes('not supported'), problems[1]);
  assert.match(problems[2], /^ak line 7: key type "ssh-dss" is not supported/);
  assert.match(problems[3], /^ak line 8: not a key/);
});

test('secrets compare equal only when equal, whatever their lengths', () => {
  assert.equal(secretsEqual('abc-def', 'abc-def'), true);
  assert.equal(secretsEqual('abc-deg', 'abc-def'), false);
  assert.equal(secretsEqual('abc', 'abc-def'), false);
  assert.equal(secretsEqual('', 'x'), false);
});

test('passphrase: generated, kept 0600, read back, regenerated', () => {
  const dir = join(tempDir(), 'state');
  assert.equal(readPassphrase(dir), undefined);
  const first = loadOrCreatePassphrase(dir);
  assert.match(first, /^[2-9a-hjkmnp-z]{5}(-[2-9a-hjkmnp-z]{5}){3}$/);
  assert.equal(loadOrCreatePassphrase(dir), first);
  assert.equal(readPassphrase(dir), first);
  assert.equal(statSync(join(dir, 'passphrase')).mode & 0o777, 0o600);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  const second = regeneratePassphrase(dir);
  assert.notEqual(second, first);
  assert.equal(readPassphrase(dir), second);
  assert.equal(statSync(join(dir, 'passphrase')).mode & 0o777, 0o600);
  assert.equal(new Set(Array.from({ length: 50 }, generatePassphrase)).size, 50);
});

test('host key: made once (0600), same fingerprint after, loosened modes tightened, garbage explained', () => {
  const dir = tempDir();
  const first = loadOrCreateHostKey(dir);
  assert.match(first.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
  assert.match(first.publicKeyLine, /^ssh-ed25519 AAAA/);
  assert.equal(statSync(first.path).mode & 0o777, 0o600);
  chmodSync(first.path, 0o644);
  const again = loadOrCreateHostKey(dir);
  assert.equal(again.fingerprint, first.fingerprint);
  assert.equal(again.privateKey, readFileSync(first.path, 'utf8'));
  assert.equal(statSync(first.path).mode & 0o777, 0o600);
  writeFileSync(first.path, 'not a key');
  assert.throws(() => loadOrCreateHostKey(dir), /host key .* cannot be read.*Move it away/);
});

test('connection limits: per address and total, released on close', () => {
  const limits = new ConnectionLimits(3, 2);
  assert.equal(limits.admit('10.0.0.1'), undefined);
  assert.equal(limits.admit('10.0.0.1'), undefined);
  assert.match(limits.admit('10.0.0.1') ?? '', /too many connections from 10\.0\.0\.1 \(at most 2 at a time\)/);
  assert.equal(limits.admit('10.0.0.2'), undefined);
  assert.match(limits.admit('10.0.0.3') ?? '', /already has 3 viewers, its limit/);
  limits.release('10.0.0.1');
  assert.equal(limits.admit('10.0.0.3'), undefined);
  assert.equal(limits.connections, 3);
  assert.equal(normalizeAddress('::ffff:127.0.0.1'), '127.0.0.1');
});

test("the guest's terminal: known TERM kept, unknown or odd replaced; a clean environment", () => {
  assert.equal(guestTerm('xterm-256color'), 'xterm-256color');
  assert.equal(guestTerm('vt100'), 'vt100');
  assert.equal(guestTerm('no-such-terminal-xyz'), 'xterm-256color');
  assert.equal(guestTerm('../../etc/passwd'), 'xterm-256color');
  assert.equal(guestTerm(undefined), 'xterm-256color');
  const env = guestClientEnv('vt100', { PATH: '/bin', HOME: '/h', TMUX: '/tmp/x,1,0', SECRET: 's', LANG: 'C' });
  assert.deepEqual(Object.keys(env).sort(), ['HOME', 'LANG', 'LC_ALL', 'PATH', 'TERM']);
  assert.equal(env.LANG, 'C.UTF-8');
  assert.deepEqual(clampSize(5000, 0), { cols: 1000, rows: 24 });
});

test('node-pty: VS Code copies first, then npm; the npm one loads here', () => {
  assert.deepEqual(nodePtyCandidates('/opt/vscode/resources/app'), [
    '/opt/vscode/resources/app/node_modules.asar/node-pty',
    '/opt/vscode/resources/app/node_modules/node-pty',
    'node-pty',
  ]);
  assert.equal(typeof loadNodePty('/nonexistent-app-root').spawn, 'function');
});

test('every generated ed25519 pair parses (ssh2 alone gets about 1 in 256 wrong)', () => {
  // 2,000 draws: without the check, the chance that none is malformed is (255/256)^2000 ≈ 0.04 %.
  for (let i = 0; i < 2000; i++) {
    const pair = generateEd25519KeyPair();
    assert.ok(keyPairParses(pair), `pair ${i} is malformed:\n${pair.public}`);
  }
});
