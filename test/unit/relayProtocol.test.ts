// The relay protocol's pure parts (src/wire/relayProtocol.ts): frames keep kind, sequence number
// and bytes; everything a host hears is parsed strictly (a malformed message is no request);
// ids that ssh could read as an option are refused; random ids follow the rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPassphrase, makePassphraseVerifier } from '../../src/host/embedded/passphraseVerifier';
import { randomId } from '../../src/host/relay/relayId';
import { relayWatchLine, relayWebLink, shownNatsUrls } from '../../src/host/relay/relayWatch';
import {
  decodeFrame,
  encodeControl,
  encodeFrame,
  isBroadcastId,
  MAX_KEY_LINE,
  MAX_REGISTRY_KEYS,
  parseKick,
  parseKickReply,
  parseHostSizeMessage,
  parseLeaseRequest,
  parseRegistryEntry,
  parseOpenRequest,
  parsePresence,
  parseSnapReply,
  parseSnapRequest,
} from '../../src/wire/relayProtocol';

test('frames: kind, sequence number (up to 2^48) and payload survive the trip; junk is no frame', () => {
  for (const [kind, seq] of [['bytes', 1], ['curtain-down', 2], ['curtain-up', 2 ** 40], ['end', 2 ** 48 - 1]] as const) {
    const frame = decodeFrame(encodeFrame(kind, seq, Buffer.from('héllo\x1b[0m')));
    assert.equal(frame?.kind, kind);
    assert.equal(frame?.seq, seq);
    assert.equal(frame?.payload.toString('utf8'), 'héllo\x1b[0m');
  }
  assert.equal(decodeFrame(Buffer.from([0, 0, 0])), undefined);
  assert.equal(decodeFrame(Buffer.from([9, 0, 0, 0, 0, 0, 1])), undefined);
});

test('requests the host hears: only well-formed ones of this version are requests', () => {
  const open = (o: object): ReturnType<typeof parseOpenRequest> => parseOpenRequest(Buffer.from(encodeControl(o)).toString());
  assert.deepEqual(open({ relay: 'r1', cols: 100000, rows: -3, term: 'xterm' }), { relay: 'r1', cols: 100000, rows: -3, term: 'xterm' }); // clamped by the host
  assert.equal(open({ relay: 'r 1', cols: 80, rows: 24, term: 'xterm' }), undefined);
  assert.equal(open({ relay: 'r1', cols: 80.5, rows: 24, term: 'xterm' }), undefined);
  assert.equal(parseOpenRequest(JSON.stringify({ v: 2, relay: 'r1', cols: 80, rows: 24, term: 'x' })), undefined);
  assert.equal(parseOpenRequest('echo PWNED\r'), undefined);
  assert.equal(parseSnapRequest(JSON.stringify({ v: 1, relay: 'r1', group: '../g1' })), undefined);
  assert.deepEqual(parseSnapRequest(JSON.stringify({ v: 1, relay: 'r1', group: 'g7' })), { relay: 'r1', group: 'g7' });
  assert.equal(parseLeaseRequest(JSON.stringify({ v: 1, relay: 'r1', groups: Array.from({ length: 1001 }, (_, i) => `g${i}`) })), undefined);
  assert.equal(parseOpenRequest(JSON.stringify({ v: 1, relay: 'r1', cols: 80, rows: 24, term: 'x'.repeat(70_000) })), undefined);
});

test('presence: labels printable and short, guests bounded, a bad ssh address dropped', () => {
  const p = parsePresence(JSON.stringify({ v: 1, relay: 'r1', ssh: 'evil host;rm', guests: [{ name: 'a\x1b]52;c;x\x07b', user: 'u'.repeat(100), cols: 80, rows: 24, since: 'x' }] }));
  assert.equal(p?.ssh, '');
  assert.equal(p?.guests[0].name, 'a]52;c;xb');
  assert.equal(p?.guests[0].user.length, 64);
});

test("presence: a relay's browser origin is an http(s) origin only; the host's link adds /w/<id>/", () => {
  const web = (value: unknown): string | undefined => parsePresence(JSON.stringify({ v: 1, relay: 'r1', ssh: 'relay:2223', web: value, guests: [] }))?.web;
  assert.equal(web('http://relay.example:8080'), 'http://relay.example:8080');
  assert.equal(web('https://[::1]:8443'), 'https://[::1]:8443');
  for (const bad of ['javascript:alert(1)', 'http://relay/evil', 'http://user@relay:80', 'ftp://relay:21', 'http://relay:80?x', 'http://a b', 42, undefined]) assert.equal(web(bad), '', String(bad));
  assert.equal(relayWebLink('Abc_123', 'http://relay:8080'), 'http://relay:8080/w/Abc_123/');
  assert.equal(relayWebLink('Abc_123', undefined), '');
});

test("the host's size on NATS: whole numbers inside the shared limits, else not believed", () => {
  assert.deepEqual(parseHostSizeMessage(JSON.stringify({ v: 1, cols: 120, rows: 40 })), { cols: 120, rows: 40 });
  for (const bad of [{ cols: 0, rows: 0 }, { cols: 10_000, rows: 40 }, { cols: 80.5, rows: 24 }, { cols: '80', rows: '24' }, {}]) {
    assert.equal(parseHostSizeMessage(JSON.stringify(bad)), undefined, JSON.stringify(bad));
  }
  assert.equal(parseHostSizeMessage('not json'), undefined);
});

test('a lease request may release groups (ids only, bounded); without the field it releases none', () => {
  assert.deepEqual(parseLeaseRequest(JSON.stringify({ v: 1, relay: 'r1', groups: ['g1'] })), { relay: 'r1', groups: ['g1'], release: [] });
  assert.deepEqual(parseLeaseRequest(JSON.stringify({ v: 1, relay: 'r1', groups: [], release: ['g2'] })), { relay: 'r1', groups: [], release: ['g2'] });
  assert.equal(parseLeaseRequest(JSON.stringify({ v: 1, relay: 'r1', groups: [], release: ['../g2'] })), undefined);
  assert.equal(parseLeaseRequest(JSON.stringify({ v: 1, relay: 'r1', groups: [], release: 'g2' })), undefined);
  assert.equal(parseLeaseRequest(JSON.stringify({ v: 1, relay: 'r1', groups: [], release: Array.from({ length: 1001 }, (_, i) => `g${i}`) })), undefined);
});

test('a snapshot answer needs its sequence number and curtain side', () => {
  assert.equal(parseSnapReply(JSON.stringify({ ok: true, group: 'g1', seq: -1, curtain: 'up', screen: '' })).ok, false);
  assert.deepEqual(parseSnapReply(JSON.stringify({ ok: true, group: 'g1', seq: 5, curtain: 'down', screen: 's' })), { ok: true, group: 'g1', seq: 5, curtain: 'down', screen: 's' });
});

test('ids: never starting with "-" (ssh would read an option); random ones are 22 characters by the rule', () => {
  assert.equal(isBroadcastId('-oProxyCommand=x'), false);
  assert.equal(isBroadcastId('_x'), false);
  assert.equal(isBroadcastId('team-demo_1'), true);
  assert.equal(isBroadcastId('a.b'), false);
  for (let i = 0; i < 200; i++) assert.ok(isBroadcastId(randomId()) && randomId().length === 22);
});

test('the watch line and the NATS URLs as shown', () => {
  assert.equal(relayWatchLine('abc', '127.0.0.1:2223'), 'ssh -p 2223 abc@127.0.0.1');
  assert.equal(relayWatchLine('abc', 'relay.example:22'), 'ssh abc@relay.example');
  assert.match(relayWatchLine('abc', undefined), /^ssh -p PORT abc@RELAY/);
  assert.equal(shownNatsUrls(['nats://user:pw@h:4222', 'nats://tok@g:4222']), 'nats://h:4222,nats://g:4222');
});

test('registry entries: each access policy with what a relay checks, bounded; anything else is no entry', async () => {
  const base = { v: 1, session: 'broadcast', cols: 0, rows: 0, started: '2026-01-01T00:00:00.000Z' };
  assert.equal(parseRegistryEntry(JSON.stringify({ ...base, access: 'open' }))?.access, 'open');
  const verifier = await makePassphraseVerifier('right horse battery');
  const password = parseRegistryEntry(JSON.stringify({ ...base, access: 'password', verifier }));
  assert.ok(password?.access === 'password');
  assert.equal(await checkPassphrase(password.verifier, 'right horse battery'), true);
  assert.equal(await checkPassphrase(password.verifier, 'wrong horse battery'), false);
  assert.equal(parseRegistryEntry(JSON.stringify({ ...base, access: 'password' })), undefined, 'no verifier');
  assert.equal(parseRegistryEntry(JSON.stringify({ ...base, access: 'password', verifier: { salt: 'x', hash: 'y' } })), undefined, 'not a verifier');
  const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
  assert.deepEqual((parseRegistryEntry(JSON.stringify({ ...base, access: 'keys', keys: [key] })) as { keys: string[] }).keys, [key]);
  assert.equal(parseRegistryEntry(JSON.stringify({ ...base, access: 'keys', keys: [`${key} comment`] })), undefined, 'a comment or option is not a key line');
  assert.equal(parseRegistryEntry(JSON.stringify({ ...base, access: 'keys', keys: Array(MAX_REGISTRY_KEYS + 1).fill(key) })), undefined, 'too many keys');
  assert.equal(parseRegistryEntry(JSON.stringify({ ...base, access: 'keys', keys: [`ssh-rsa ${'A'.repeat(MAX_KEY_LINE)}`] })), undefined, 'a key line too long');
  assert.equal(parseRegistryEntry(JSON.stringify({ ...base, access: 'everyone' })), undefined);
});

test('kicks: a relay name, a guest id and a printable message; the relay answers ok', () => {
  assert.deepEqual(parseKick(encodeControl({ relay: 'r1', guest: 'guest-3', message: 'bye\x1b[2J\x9b now' }).toString()), { relay: 'r1', guest: 'guest-3', message: 'bye[2J now' });
  assert.equal(parseKick(encodeControl({ relay: 'r 1', guest: 'guest-3', message: 'x' }).toString()), undefined);
  assert.equal(parseKick(encodeControl({ relay: 'r1', guest: '../x', message: 'x' }).toString()), undefined);
  assert.equal(parseKick(JSON.stringify({ v: 99, relay: 'r1', guest: 'g', message: 'x' })), undefined);
  assert.equal(parseKickReply('{"v":1,"ok":true}'), true);
  assert.equal(parseKickReply('{"v":1,"ok":false}'), false);
});
