// The browser guest's page: the same elements as the VS Code viewer's webview (watcherHtml.ts),
// so the page's script (media/web.ts) runs the same viewer; plus the passphrase form, shown when
// the broadcast asks for one. (The page's own branch builds the same markup in pageHtml.ts from
// the shared viewerMarkup; at merge that one replaces this file.) Nothing secret is written into it: the page
// finds its socket next to its own URL ("socket"), and the passphrase is only ever typed.
import { randomBytes } from 'node:crypto';
import { WEB_ASSETS } from '../../wire/webGuestProtocol';

/** 128 random bits, fresh for every response. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface WebPageOptions {
  nonce: string;
  /** The broadcast's session name, for the title. */
  session: string;
  /** Whether the page must ask for the passphrase (also told in the hello). */
  passphrase: boolean;
}

export function buildWebPageHtml(options: WebPageOptions): string {
  const nonce = escapeHtml(options.nonce);
  const session = escapeHtml(options.session);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="stylesheet" href="/assets/${WEB_ASSETS.style}" nonce="${nonce}">
<title>Watching ${session}</title>
</head>
<body data-target="${session}" data-spec="${session}" data-size-mode="fit" data-state="connecting" data-phase="${options.passphrase ? 'passphrase' : 'view'}">
<div id="viewer">
  <div id="terminal" aria-label="Read-only terminal: ${session}"></div>
  <div id="notice" role="status" aria-live="polite" hidden></div>
  <div id="search" role="search" hidden>
    <input id="search-input" type="text" placeholder="Find" aria-label="Find in terminal" spellcheck="false" autocomplete="off">
    <span id="search-count" aria-live="polite"></span>
    <button type="button" id="search-prev" title="Previous match (Shift+Enter)" aria-label="Previous match">&#8593;</button>
    <button type="button" id="search-next" title="Next match (Enter)" aria-label="Next match">&#8595;</button>
    <button type="button" id="search-close" title="Close (Escape)" aria-label="Close search">&#215;</button>
  </div>
  <div id="status">
    <span id="status-dot" class="dot connecting"></span>
    <span id="status-text" role="status" aria-live="polite">Connecting to ${session}…</span>
    <button type="button" id="status-action" hidden></button>
    <span class="spacer"></span>
    <span id="status-sizes"></span>
    <button type="button" id="status-size-mode"></button>
    <button type="button" id="status-search" title="Find (Ctrl+F)">Find</button>
    <span class="badge" title="Keys typed here are never sent to the host">read-only</span>
  </div>
</div>
<div id="passphrase"${options.passphrase ? '' : ' hidden'}>
  <form id="passphrase-form" autocomplete="off" novalidate>
    <h1>${session}</h1>
    <p>This broadcast asks for a passphrase before it shows its screen.</p>
    <label for="passphrase-input">Passphrase</label>
    <input id="passphrase-input" type="password" maxlength="256" autocomplete="current-password" spellcheck="false" required>
    <button type="submit" id="passphrase-submit">Watch</button>
    <p id="passphrase-error" role="alert" hidden></p>
  </form>
</div>
<script nonce="${nonce}" src="/assets/${WEB_ASSETS.script}"></script>
</body>
</html>
`;
}
