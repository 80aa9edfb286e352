// Which pages may open the page's WebSocket: only the page itself. A browser sends the Origin of
// the page that opens a WebSocket, and any site could try to open ours (cross-site WebSocket
// hijacking), so the Origin must be this server's own scheme, host and port, exactly as the
// request's Host header names them. A request without an Origin (no browser sent it) is refused too.

export function isOwnOrigin(origin: string | undefined, host: string | undefined, tls: boolean): boolean {
  if (!origin || !host || origin === 'null') return false;
  // A Host is a name or address and a port, nothing a URL parser would normalise away.
  if (!/^[A-Za-z0-9.[\]:-]{1,300}$/.test(host)) return false;
  const scheme = tls ? 'https:' : 'http:';
  let given: URL;
  let own: URL;
  try {
    given = new URL(origin);
    own = new URL(`${scheme}//${host}`);
  } catch {
    return false;
  }
  // An Origin is scheme://host[:port] and nothing else.
  if (given.pathname !== '/' || given.search || given.hash || given.username || given.password) return false;
  if (own.pathname !== '/' || own.username || own.password) return false;
  return given.protocol === scheme && given.host === own.host;
}
