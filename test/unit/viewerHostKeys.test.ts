import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { keyTypeOf, sha256Fingerprint } from '../../src/wire/sshKeyFingerprint';
import { HostKeyStore } from '../../src/watcher/hostKeyStore';
import { HostKeyError, HostKeyVerifier, judgeHostKey } from '../../src/watcher/hostKeyVerifier';
import { entriesFor, knownHostsName, parseKnownHosts, patternsMatch } from '../../src/watcher/knownHosts';
import { HostKeyInfo } from '../../src/watcher/types';
import { loadOrCreateHostKey } from '../../src/host/embedded/hostKey';

const dir = mkdtempSync(join(tmpdir(), 'gb-hostkeys-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh key pair made by the real ssh-keygen: [public line, blob]. */
function makeKey(name: string, type = 'ed25519'): { line: string; blob: Buffer; path: string } {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', '', '-f', path]);
  const line = readFileSync(path + '.pub', 'utf8').trim();
  return { line, blob: Buffer.from(line.split(' ')[1], 'base64'), path };
}

const a = makeKey('a');
const b = makeKey('b');
const rsa = makeKey('r', 'rsa');

test('fingerprint and key type are what ssh-keygen -l prints', () => {
  for (const key of [a, rsa]) {
    const printed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', key.path + '.pub'], { encoding: 'utf8' }).split(' ')[1];
    assert.equal(sha256Fingerprint(key.blob), printed);
    assert.match(sha256Fingerprint(key.blob), /^SHA256:[A-Za-z0-9+/]{43}$/);
  }
  assert.equal(keyTypeOf(a.blob), 'ssh-ed25519');
  assert.equal(keyTypeOf(rsa.blob), 'ssh-rsa');
  assert.throws(() => keyTypeOf(Buffer.from([0, 0])), /too short/);
});

test('the fingerprint the host prints is the one the watcher is shown and ssh-keygen prints', async () => {
  const host = loadOrCreateHostKey(mkdtempSync(join(dir, 'state-')));
  const pub = join(dir, 'embedded-host.pub');
  writeFileSync(pub, host.publicKeyLine + '\n');
  const printed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pub], { encoding: 'utf8' }).split(' ')[1];
  assert.equal(host.fingerprint, printed);
  const asked: HostKeyInfo[] = [];
  const verifier = new HostKeyVerifier([], new HostKeyStore(join(dir, 'store-fp', 'known_hosts')), {
    confirmNewHostKey: async (info) => (asked.push(info), false),
  });
  await verifier.verify('box', 2222, Buffer.from(host.publicKeyLine.split(' ')[1], 'base64')).catch(() => undefined);
  assert.equal(asked[0]?.fingerprint, host.fingerprint);
});

test('host names: plain on port 22, [host]:port otherwise', () => {
  assert.equal(knownHostsName('box', 22), 'box');
  assert.equal(knownHostsName('box', 2222), '[box]:2222');
  assert.equal(knownHostsName('::1', 2222), '[::1]:2222');
});

test('patterns: lists, wildcards, negation, and [host]:port', () => {
  assert.ok(patternsMatch('box,10.0.0.1', 'box'));
  assert.ok(patternsMatch('*.example.org', 'a.example.org'));
  assert.ok(patternsMatch('bo?', 'BOX'));
  assert.ok(!patternsMatch('*.example.org,!bad.example.org', 'bad.example.org'));
  assert.ok(patternsMatch('[box]:2222', '[box]:2222'));
  assert.ok(!patternsMatch('[box]:2222', 'box'));
  assert.ok(!patternsMatch('box', '[box]:2222'));
});

test('hashed entries (ssh-keygen -H) match the right host and port only', () => {
  const file = join(dir, 'hashed');
  writeFileSync(file, `box ${a.line}\n[box]:2222 ${b.line}\n`);
  execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
  const text = readFileSync(file, 'utf8');
  assert.ok(!text.includes('box'), 'ssh-keygen hashed the names');
  const entries = parseKnownHosts(text, file);
  assert.equal(entries.length, 2);
  assert.ok(entries.every((e) => e.patterns.startsWith('|1|')));
  assert.ok(entriesFor(entries, 'box', 22)[0].keyBlob.equals(a.blob));
  assert.ok(entriesFor(entries, 'box', 2222)[0].keyBlob.equals(b.blob));
  assert.equal(entriesFor(entries, 'box', 2223).length, 0);
  assert.equal(entriesFor(entries, 'other', 22).length, 0);
});

test('parsing skips comments, blank and short lines, and reads markers', () => {
  const entries = parseKnownHosts(`# comment\n\nbox\n@revoked * ${a.line}\n@cert-authority *.lan ${b.line}\n@weird x ${b.line}\nbox ${b.line}\n`, 'f');
  assert.deepEqual(entries.map((e) => [e.marker, e.patterns, e.source]), [['revoked', '*', 'f:4'], ['cert-authority', '*.lan', 'f:5'], [undefined, 'box', 'f:7']]);
});

test('verdicts: known, unknown, changed (same type), unknown with other types known, revoked', () => {
  const entries = parseKnownHosts(`box ${a.line}\n[box]:2222 ${rsa.line}\n`, 'kh');
  assert.deepEqual(judgeHostKey(entries, 'box', 22, a.blob), { kind: 'known', source: 'kh:1' });
  assert.deepEqual(judgeHostKey(entries, 'elsewhere', 22, a.blob), { kind: 'unknown', otherTypesKnown: [] });
  const changed = judgeHostKey(entries, 'box', 22, b.blob);
  assert.deepEqual(changed, { kind: 'changed', known: [{ keyType: 'ssh-ed25519', fingerprint: sha256Fingerprint(a.blob), source: 'kh:1' }] });
  assert.deepEqual(judgeHostKey(entries, 'box', 2222, b.blob), { kind: 'unknown', otherTypesKnown: ['ssh-rsa'] });
  const revoked = parseKnownHosts(`@revoked box ${a.line}\nbox ${a.line}\n`, 'kh');
  assert.equal(judgeHostKey(revoked, 'box', 22, a.blob).kind, 'revoked');
});

test('verifier: asks once for an unknown key, remembers it in its own store, then stays silent', async () => {
  const storePath = join(dir, 'store', 'known_hosts');
  const asked: HostKeyInfo[] = [];
  const verifier = new HostKeyVerifier([join(dir, 'missing')], new HostKeyStore(storePath), {
    confirmNewHostKey: async (info) => (asked.push(info), true),
  });
  await verifier.verify('127.0.0.1', 2222, a.blob);
  assert.deepEqual(asked, [{ host: '127.0.0.1', port: 2222, keyType: 'ssh-ed25519', fingerprint: sha256Fingerprint(a.blob) }]);
  assert.equal(readFileSync(storePath, 'utf8'), `[127.0.0.1]:2222 ${a.line.split(' ').slice(0, 2).join(' ')}\n`);
  assert.equal(statSync(storePath).mode & 0o777, 0o600);
  await verifier.verify('127.0.0.1', 2222, a.blob);
  assert.equal(asked.length, 1, 'a remembered key is not asked about again');
  await assert.rejects(verifier.verify('127.0.0.1', 2222, b.blob), (e: Error) => {
    assert.ok(e instanceof HostKeyError);
    assert.match(e.message, /CHANGED/);
    assert.ok(e.message.includes(sha256Fingerprint(a.blob)) && e.message.includes(sha256Fingerprint(b.blob)), e.message);
    return true;
  });
  assert.equal(asked.length, 1, 'a changed key is refused without asking');
});

test('verifier: a declined key is not stored and the refusal names the fingerprint', async () => {
  const storePath = join(dir, 'declined', 'known_hosts');
  const verifier = new HostKeyVerifier([], new HostKeyStore(storePath), { confirmNewHostKey: async () => false });
  await assert.rejects(verifier.verify('box', 22, b.blob), new RegExp(`not trusted.*`));
  await assert.rejects(verifier.verify('box', 22, b.blob), (e: Error) => e.message.includes(sha256Fingerprint(b.blob)));
  assert.deepEqual(new HostKeyStore(storePath).entries(), []);
});

test('verifier offers the algorithms of already known key types first', () => {
  const kh = join(dir, 'kh-rsa');
  writeFileSync(kh, `[box]:2222 ${rsa.line}\n`);
  const verifier = new HostKeyVerifier([kh], new HostKeyStore(join(dir, 'none')), { confirmNewHostKey: async () => false });
  assert.deepEqual(verifier.algorithmsFor('box', 2222).slice(0, 3), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  assert.equal(verifier.algorithmsFor('other', 22)[0], 'ssh-ed25519');
});
