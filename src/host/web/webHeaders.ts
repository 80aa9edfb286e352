// The headers every answer of the browser route carries, in one place. The secret is in the
// page's URL, so no referrer ever leaves it; nothing may frame it; the CSP lets the page run only
// its own nonce-carrying script and style and talk only to its own origin.
import type { ServerResponse } from 'node:http';

/** The page's CSP: nothing by default; script and styles only with this response's nonce. */
export function pageCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Everything but the page (assets, errors): no content runs, no framing. */
export const PLAIN_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Sets the headers common to every response. */
export function setCommonHeaders(res: ServerResponse, csp = PLAIN_CSP): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}
