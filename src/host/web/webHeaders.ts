// The headers every answer of the browser route carries, in one place. The secret is in the
// page's URL, so no referrer ever leaves it; nothing may frame it. The page's own CSP is
// webPageCsp() (pageHtml.ts).
import type { ServerResponse } from 'node:http';

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
