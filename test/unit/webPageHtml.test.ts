// The browser page's HTML (src/host/web/pageHtml.ts): what the route serves before any script
// runs. The Chromium test (test/webview/webPage.test.ts) checks the page in a browser; this checks
// the text: the CSP, the nonce on each script and stylesheet, escaping, the passphrase form.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildWebPageHtml, webPageCsp } from '../../src/host/web/pageHtml';
import { WEB_PAGE_ASSETS } from '../../src/host/web/pageAssets';

const NONCE = 'bm9uY2Utbm9uY2Utbm9uY2U=';
const page = (passphraseRequired: boolean, session = 'demo') => buildWebPageHtml({
  nonce: NONCE, session, scriptUrl: `/assets/${WEB_PAGE_ASSETS.script}`, styleUrl: `/assets/${WEB_PAGE_ASSETS.style}`, passphraseRequired,
});

test('the CSP: nothing by default, nonce scripts and styles, own-origin socket, never framed', () => {
  const csp = webPageCsp(NONCE);
  assert.equal(csp, `default-src 'none'; script-src 'nonce-${NONCE}'; style-src 'nonce-${NONCE}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
  // In a <meta>, frame-ancestors is ignored with a console error: the page's copy leaves it out.
  assert.ok(!webPageCsp(NONCE, { forMeta: true }).includes('frame-ancestors'));
  assert.ok(page(false).includes(`<meta http-equiv="Content-Security-Policy" content="${webPageCsp(NONCE, { forMeta: true }).replace(/'/g, '&#39;')}">`));
});

test('every script and stylesheet carries the nonce; no inline script, no inline style', () => {
  const html = page(true);
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.deepEqual(scripts, [`<script nonce="${NONCE}" src="/assets/web.js">`]);
  assert.match(html, /<script [^>]*><\/script>/, 'the script element has no inline body');
  assert.deepEqual(html.match(/<link rel="stylesheet"[^>]*>/g), [`<link rel="stylesheet" href="/assets/web.css" nonce="${NONCE}">`]);
  assert.ok(!/<style|\sstyle=|\son[a-z]+=/i.test(html), 'inline style or event handler attribute');
});

test('the session name is text, never markup', () => {
  const html = page(false, '"><script>alert(1)</script><x a=\'');
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.ok(html.includes('&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#60;x a=&#39;'));
});

test('the passphrase form shows first only when one is required, and submits nowhere', () => {
  assert.match(page(true), /<body [^>]*data-phase="passphrase"/);
  assert.match(page(true), /<div id="passphrase">/);
  assert.match(page(false), /<body [^>]*data-phase="view"/);
  assert.match(page(false), /<div id="passphrase" hidden>/);
  assert.match(page(true), /<input id="passphrase-input" type="password"/);
  assert.ok(!/<form[^>]*action=/.test(page(true)), 'the form has an action');
});
