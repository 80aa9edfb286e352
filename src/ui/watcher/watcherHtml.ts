// The viewer webview's HTML. A pure function without vscode, so the Chromium test loads exactly the
// page a panel shows, served from its own loopback origin.
import { randomBytes } from 'node:crypto';
import { escapeHtml, viewerMarkup } from '../../wire/viewerMarkup';
import type { SizeMode, TerminalConfig } from '../protocol';

export interface ViewerHtmlOptions {
  /** The webview's resource origin (`webview.cspSource`), the only place scripts' files and CSS may come from. */
  cspSource: string;
  /** Fresh for every page: only the script carrying it runs. */
  nonce: string;
  /** `asWebviewUri` of dist/media/viewer.js and viewer.css. */
  scriptUri: string;
  styleUri: string;
  /** "guest@example.org", shown until the first state message arrives. */
  targetLabel: string;
  /** What the user typed or picked (an ssh config alias stays an alias); saved with the page's
   * state so VS Code can restore the panel after a reload. */
  targetSpec: string;
  /** VS Code's terminal settings, so the page's first fit uses the right font (and size). */
  config?: TerminalConfig;
  /** Fit or my size, as remembered for this host (default: fit). */
  sizeMode?: SizeMode;
  /** Exposes a read-only handle on the terminal's buffer for the Chromium test. Never set by the panel. */
  testHooks?: boolean;
}

/** 128 random bits, as CSP nonces should be. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The CSP allows nothing by default. Scripts run only with the nonce. Styles come from the bundle
 * or carry the nonce: xterm.js adds <style> elements at run time, and the webview script stamps
 * the same nonce on them (see media/styleNonce.ts), so no 'unsafe-inline' is needed. Fonts may be
 * local (the user's terminal font) or from the bundle. No network, no frames, no forms.
 */
export function viewerCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource} data:`,
    `img-src ${cspSource} data:`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function buildViewerHtml(options: ViewerHtmlOptions): string {
  const nonce = escapeHtml(options.nonce);
  const label = escapeHtml(options.targetLabel);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(viewerCsp(options.cspSource, options.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${escapeHtml(options.styleUri)}" nonce="${nonce}">
<title>Watching ${label}</title>
</head>
<body data-target="${label}" data-spec="${escapeHtml(options.targetSpec)}"${options.config ? ` data-config="${escapeHtml(JSON.stringify(options.config))}"` : ''}${options.testHooks ? ' data-test-hooks="1"' : ''} data-size-mode="${options.sizeMode === 'mine' ? 'mine' : 'fit'}" data-state="connecting">
${viewerMarkup(options.targetLabel)}
<script nonce="${nonce}" src="${escapeHtml(options.scriptUri)}"></script>
</body>
</html>
`;
}
