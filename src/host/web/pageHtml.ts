// The browser guest's page: the same viewer markup as the VS Code webview, run by the web bundle
// (media/web.ts) over a WebSocket. A pure function, so the Chromium test loads exactly the page
// the browser route serves. The route sends webPageCsp() as the Content-Security-Policy header;
// the page carries the same policy in a <meta> too (minus frame-ancestors, which browsers honour
// only in the header), so it holds even if a proxy drops the header.
import { escapeHtml, viewerMarkup } from '../../wire/viewerMarkup';

export interface WebPageOptions {
  /** Fresh for every response: only the script and stylesheet carrying it load. */
  nonce: string;
  /** The broadcast's tmux session name, shown in the title and the status line. */
  session: string;
  /** Where the page's script and stylesheet are (/assets/web.js, /assets/web.css). */
  scriptUrl: string;
  styleUrl: string;
  /** The broadcast asks for a passphrase: the page shows the form first, no screen before it. */
  passphraseRequired: boolean;
  /** Exposes a read-only handle on the terminal's buffer for the Chromium test. Never set by the route. */
  testHooks?: boolean;
}

/**
 * Nothing by default. Script and styles only with the nonce (xterm.js's run-time <style>
 * elements get it from media/styleNonce.ts); the WebSocket to the same origin; images only the
 * page's own or data: (the icon); never framed; no <base>, and a form never submits anywhere
 * (the passphrase goes over the WebSocket, never into a URL).
 */
export function webPageCsp(nonce: string, options: { forMeta?: boolean } = {}): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    ...(options.forMeta ? [] : ["frame-ancestors 'none'"]),
  ].join('; ');
}

/** A small icon inline, so the browser's favicon request does not 404. */
const ICON = 'data:image/svg+xml,' + encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#2d7d46"/><path d="M3 5l3 3-3 3M8 11h5" stroke="#fff" stroke-width="1.6" fill="none"/></svg>',
);

function passphraseForm(session: string, required: boolean): string {
  return `<div id="passphrase"${required ? '' : ' hidden'}>
  <form id="passphrase-form" method="post" autocomplete="off" novalidate>
    <h1>${escapeHtml(session)}</h1>
    <p>This broadcast asks for a passphrase before it shows its screen.</p>
    <label for="passphrase-input">Passphrase</label>
    <input id="passphrase-input" type="password" name="passphrase" autocomplete="current-password" spellcheck="false" required>
    <button type="submit" id="passphrase-submit">Watch</button>
    <p id="passphrase-error" role="alert" hidden></p>
  </form>
</div>`;
}

export function buildWebPageHtml(options: WebPageOptions): string {
  const nonce = escapeHtml(options.nonce);
  const session = escapeHtml(options.session);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(webPageCsp(options.nonce, { forMeta: true }))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="dark light">
<link rel="icon" href="${escapeHtml(ICON)}">
<link rel="stylesheet" href="${escapeHtml(options.styleUrl)}" nonce="${nonce}">
<title>Watching ${session} · Guest Broadcast</title>
</head>
<body data-target="${session}" data-spec="${session}"${options.testHooks ? ' data-test-hooks="1"' : ''} data-size-mode="fit" data-state="connecting" data-phase="${options.passphraseRequired ? 'passphrase' : 'view'}">
${viewerMarkup(options.session)}
${passphraseForm(options.session, options.passphraseRequired)}
<script nonce="${nonce}" src="${escapeHtml(options.scriptUrl)}"></script>
</body>
</html>
`;
}
