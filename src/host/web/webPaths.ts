// What a request path names, read without decoding anything: the secret and the asset names are
// plain base64url and file names, so a percent sign or a dot-dot can only make a path name nothing.
// (webPaths() in src/wire/webGuestProtocol.ts builds the same paths for links.)

export type WebTarget =
  | { kind: 'page'; secret: string }
  /** The page's URL without its trailing slash: redirected, so "socket" resolves next to it. */
  | { kind: 'pageNoSlash'; secret: string }
  | { kind: 'socket'; secret: string }
  | { kind: 'stream'; secret: string }
  | { kind: 'asset'; name: string }
  | { kind: 'none' };

const SECRET = '([A-Za-z0-9_-]{1,128})';
const PAGE = new RegExp(`^/w/${SECRET}/$`);
const PAGE_NO_SLASH = new RegExp(`^/w/${SECRET}$`);
const SOCKET = new RegExp(`^/w/${SECRET}/socket$`);
const STREAM = new RegExp(`^/w/${SECRET}/stream$`);
const ASSET = /^\/assets\/([A-Za-z0-9][A-Za-z0-9._-]{0,127})$/;

/** `url` is the request target as sent ("/w/…?x"): origin-form only; a query is ignored. */
export function parseWebTarget(url: string | undefined): WebTarget {
  if (!url || !url.startsWith('/') || url.length > 2048) return { kind: 'none' };
  const path = url.split(/[?#]/, 1)[0];
  let m: RegExpExecArray | null;
  if ((m = PAGE.exec(path))) return { kind: 'page', secret: m[1] };
  if ((m = SOCKET.exec(path))) return { kind: 'socket', secret: m[1] };
  if ((m = STREAM.exec(path))) return { kind: 'stream', secret: m[1] };
  if ((m = PAGE_NO_SLASH.exec(path))) return { kind: 'pageNoSlash', secret: m[1] };
  if ((m = ASSET.exec(path))) return { kind: 'asset', name: m[1] };
  return { kind: 'none' };
}
