// The browser route's plain HTTP answers: the page (behind the secret), its assets, and the same
// 404 for everything else, so a wrong secret cannot be told from a path that never existed (a
// relay, whose links are broadcast ids, says instead which id it does not serve: unknownLink).
// GET and HEAD only. Every answer carries the headers of webHeaders.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AssetStore, chooseEncoding, etagMatches } from './webAssets';
import { setCommonHeaders } from './webHeaders';
import { buildWebPageHtml, webPageCsp } from './pageHtml';
import { WEB_PAGE_ASSETS } from './pageAssets';
import { randomBytes } from 'node:crypto';
import { parseWebTarget } from './webPaths';

/** What a link's page shows before its socket connects. */
export interface WebPageInfo {
  session: string;
  /** The page asks for the passphrase first. */
  passphrase: boolean;
  /** Set: this link's broadcast cannot be watched in a browser; the page is a 403 saying why. */
  refusal?: string;
}

export interface WebHttpContext {
  assets: AssetStore;
  /** What a link's secret opens (checked in constant time where it is a secret); undefined: nothing. */
  page(secret: string): WebPageInfo | undefined | Promise<WebPageInfo | undefined>;
  /** The 404's body for a well-formed link that opens nothing (default: NOT_FOUND, as any path). */
  unknownLink?(secret: string): string;
}

const NOT_FOUND = 'Not found. Ask the host for the current link.\n';

export async function handleWebRequest(req: IncomingMessage, res: ServerResponse, context: WebHttpContext): Promise<void> {
  setCommonHeaders(res);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return text(res, 405, 'Method not allowed.\n');
  }
  const target = parseWebTarget(req.url);
  switch (target.kind) {
    case 'asset': {
      const asset = context.assets.get(target.name);
      if (!asset) return text(res, 404, NOT_FOUND);
      res.setHeader('Content-Type', asset.type);
      res.setHeader('ETag', asset.etag);
      // Names are not content-hashed: revalidate each time (a cheap 304).
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('Vary', 'Accept-Encoding');
      if (etagMatches(req.headers['if-none-match'], asset.etag)) {
        res.statusCode = 304;
        return void res.end();
      }
      const { encoding, body } = chooseEncoding(asset, header(req, 'accept-encoding'));
      if (encoding) res.setHeader('Content-Encoding', encoding);
      res.setHeader('Content-Length', body.length);
      res.statusCode = 200;
      return void res.end(body);
    }
    case 'page':
    case 'pageNoSlash':
    case 'socket':
    case 'stream': {
      const page = await Promise.resolve(context.page(target.secret)).catch(() => undefined);
      if (res.destroyed) return;
      if (!page) return text(res, 404, context.unknownLink?.(target.secret) ?? NOT_FOUND);
      if (page.refusal !== undefined) return text(res, 403, page.refusal);
      if (target.kind === 'pageNoSlash') {
        res.setHeader('Location', `/w/${target.secret}/`);
        res.setHeader('Cache-Control', 'no-store');
        return text(res, 308, 'The page is at the same address with a slash at the end.\n');
      }
      if (target.kind !== 'page') {
        res.setHeader('Cache-Control', 'no-store');
        return text(res, 426, 'This address is for WebSocket connections.\n');
      }
      // 128 random bits, fresh for every response: only the script and style carrying it run.
      const nonce = randomBytes(16).toString('base64');
      const html = buildWebPageHtml({
        nonce,
        session: page.session,
        scriptUrl: `/assets/${WEB_PAGE_ASSETS.script}`,
        styleUrl: `/assets/${WEB_PAGE_ASSETS.style}`,
        passphraseRequired: page.passphrase,
      });
      const body = Buffer.from(html, 'utf8');
      setCommonHeaders(res, webPageCsp(nonce));
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      // The page's URL holds the secret: no cache keeps it, and a new link must not find an old page.
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Length', body.length);
      res.statusCode = 200;
      return void res.end(body);
    }
    default:
      return text(res, 404, NOT_FOUND);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function text(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** A refusal written straight to an upgrade's socket (no ServerResponse exists for upgrades). */
export function rawRefusal(status: 403 | 404 | 503, body: string): string {
  const reason = status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Service Unavailable';
  return (
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n\r\n${body}`
  );
}

export { NOT_FOUND };
