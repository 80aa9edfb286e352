// The browser route's small parts, each on its own: what a request path names, whose Origin may
// open the page's socket, which encoding an asset goes out in, ETag matching, the link and the
// clear-text warning, and the link secret's file.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chooseEncoding, etagMatches, makeAsset } from '../../src/host/web/webAssets';
import { LinkSecretStore, linkSecretPath, loadOrCreateLinkSecret, regenerateLinkSecret } from '../../src/host/web/linkSecret';
import { describeWebExposure, webPageLink, webStreamLink } from '../../src/host/web/webLink';
import { isOwnOrigin } from '../../src/host/web/webOrigin';
import { parseWebTarget } from '../../src/host/web/webPaths';

test('request paths: only exact shapes name something; nothing is decoded', () => {
  assert.deepEqual(parseWebTarget('/w/abcDEF_-123/'), { kind: 'page', secret: 'abcDEF_-123' });
  assert.deepEqual(parseWebTarget('/w/abc/?x=1'), { kind: 'page', secret: 'abc' });
  assert.deepEqual(parseWebTarget('/w/abc'), { kind: 'pageNoSlash', secret: 'abc' });
  assert.deepEqual(parseWebTarget('/w/abc/socket'), { kind: 'socket', secret: 'abc' });
  assert.deepEqual(parseWebTarget('/w/abc/stream'), { kind: 'stream', secret: 'abc' });
  assert.deepEqual(parseWebTarget('/assets/web.js'), { kind: 'asset', name: 'web.js' });
  for (const path of ['/assets/../x', '/assets/%2e%2e%2fx', '/assets/.env', '/assets/a/b', '/w/a%2fb/', '/w/a/b/', 'http://h/w/a/', '', '*', '/w/' + 'a'.repeat(200) + '/']) {
    assert.deepEqual(parseWebTarget(path), { kind: 'none' }, path);
  }
});

test("the page's socket accepts only the page's own origin", () => {
  assert.equal(isOwnOrigin('http://127.0.0.1:8080', '127.0.0.1:8080', false), true);
  assert.equal(isOwnOrigin('https://example.org', 'example.org', true), true);
  assert.equal(isOwnOrigin('https://example.org:443', 'example.org', true), true, 'default port either way');
  assert.equal(isOwnOrigin('http://[::1]:80', '[::1]', false), true);
  for (const [origin, host, tls] of [
    [undefined, '127.0.0.1:8080', false],
    ['null', '127.0.0.1:8080', false],
    ['http://127.0.0.1:8081', '127.0.0.1:8080', false],
    ['https://127.0.0.1:8080', '127.0.0.1:8080', false],
    ['http://127.0.0.1:8080', '127.0.0.1:8080', true],
    ['http://evil.example', '127.0.0.1:8080', false],
    ['http://127.0.0.1:8080/x', '127.0.0.1:8080', false],
    ['http://127.0.0.1:8080', undefined, false],
    ['http://127.0.0.1:8080', '127.0.0.1:8080/../', false],
  ] as const) {
    assert.equal(isOwnOrigin(origin, host, tls), false, `${origin} for ${host}`);
  }
});

test('assets: brotli, then gzip, when accepted (q=0 refuses); ETags match weakly', () => {
  const asset = makeAsset('a.js', 'text/javascript', Buffer.from('x'.repeat(5000)), true);
  assert.equal(chooseEncoding(asset, 'gzip, br').encoding, 'br');
  assert.equal(chooseEncoding(asset, 'gzip, br;q=0').encoding, 'gzip');
  assert.equal(chooseEncoding(asset, 'identity').encoding, undefined);
  assert.equal(chooseEncoding(asset, undefined).body, asset.identity);
  const tiny = makeAsset('t.js', 'text/javascript', Buffer.from('x'), true);
  assert.equal(chooseEncoding(tiny, 'br').encoding, undefined, 'not worth compressing');
  assert.equal(etagMatches(asset.etag, asset.etag), true);
  assert.equal(etagMatches(`"other", W/${asset.etag}`, asset.etag), true);
  assert.equal(etagMatches('*', asset.etag), true);
  assert.equal(etagMatches('"other"', asset.etag), false);
  assert.equal(etagMatches(undefined, asset.etag), false);
});

test('the link: scheme by TLS, a wildcard shown as the machine name, IPv6 in brackets; clear text beyond loopback is warned about', () => {
  assert.equal(webPageLink({ host: '127.0.0.1', port: 8080 }, false, 'S', 'box'), 'http://127.0.0.1:8080/w/S/');
  assert.equal(webPageLink({ host: '0.0.0.0', port: 8443 }, true, 'S', 'box'), 'https://box:8443/w/S/');
  assert.equal(webPageLink({ host: '::1', port: 80 }, false, 'S', 'box'), 'http://[::1]:80/w/S/');
  assert.equal(webStreamLink({ host: '0.0.0.0', port: 8443 }, true, 'S', 'box'), 'wss://box:8443/w/S/stream');
  assert.equal(describeWebExposure({ host: '127.0.0.1', port: 1 }, false).warning, undefined);
  assert.match(describeWebExposure({ host: '0.0.0.0', port: 1 }, false).warning ?? '', /travels in clear.*--web-cert FILE --web-key FILE/);
  assert.equal(describeWebExposure({ host: '0.0.0.0', port: 1 }, true).warning, undefined);
});

test('the link secret: 128 bits base64url, 0600, kept; regenerated on demand; a running store sees the change; a bad file admits nobody', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gb-link-'));
  try {
    const secret = loadOrCreateLinkSecret(dir);
    assert.match(secret, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(statSync(linkSecretPath(dir)).mode & 0o777, 0o600);
    assert.equal(loadOrCreateLinkSecret(dir), secret, 'the same link across restarts');
    const store = new LinkSecretStore(dir);
    assert.equal(store.matches(secret), true);
    assert.equal(store.matches(secret.slice(1)), false);
    const next = regenerateLinkSecret(dir);
    assert.notEqual(next, secret);
    assert.equal(readFileSync(linkSecretPath(dir), 'utf8').trim(), next);
    assert.equal(store.matches(secret), false);
    assert.equal(store.matches(next), true);
    writeFileSync(linkSecretPath(dir), 'short\n');
    assert.equal(store.current(), undefined);
    assert.equal(store.matches('short'), false);
    assert.throws(() => loadOrCreateLinkSecret(dir), /web-link --regenerate/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
