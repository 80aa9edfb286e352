// The browser guest's page: the same elements as the VS Code viewer's webview (watcherHtml.ts),
// so the page's script (media/, the web entry) runs the same viewer; plus a passphrase form,
// shown only when the server's hello asks for it. Nothing secret is written into it: the page
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
<body data-target="${session}" data-spec="${session}" data-socket="socket" data-passphrase="${options.passphrase ? 'required' : 'none'}" data-size-mode="fit" data-state="connecting">
<div id="viewer">
  <div id="terminal" aria-label="Read-only terminal: ${session}"></div>
  <div id="notice" role="status" aria-live="polite" hidden></div>
  <form id="passphrase" hidden autocomplete="off">
    <label for="passphrase-input">This broadcast asks for a passphrase</label>
    <input id="passphrase-input" type="password" maxlength="256" autocomplete="off" spellcheck="false">
    <button type="submit" id="passphrase-submit">Watch</button>
    <span id="passphrase-error" role="alert"></span>
  </form>
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
<script nonce="${nonce}" src="/assets/${WEB_ASSETS.script}"></script>
</body>
</html>
`;
}
