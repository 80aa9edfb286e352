// The link a browser guest opens, and what the start output says about who can reach it.
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { webPaths } from '../../wire/webGuestProtocol';
import { formatListen, isLoopback, isWildcard, ListenAddress } from '../embedded/listen';

/** The host part of a link to `address`: a wildcard is shown as this machine's name. */
function linkHost(address: ListenAddress, machine: string): string {
  const host = isWildcard(address.host) ? machine : address.host;
  return isIP(host) === 6 ? `[${host}]` : host;
}

export function webOrigin(address: ListenAddress, tls: boolean, machine = hostname()): string {
  return `${tls ? 'https' : 'http'}://${linkHost(address, machine)}:${address.port}`;
}

/** `http(s)://HOST:PORT/w/SECRET/`: the page. */
export function webPageLink(address: ListenAddress, tls: boolean, secret: string, machine = hostname()): string {
  return webOrigin(address, tls, machine) + webPaths(secret).page;
}

/** `ws(s)://HOST:PORT/w/SECRET/stream`: the asciinema-compatible live stream. */
export function webStreamLink(address: ListenAddress, tls: boolean, secret: string, machine = hostname()): string {
  return `${tls ? 'wss' : 'ws'}://${linkHost(address, machine)}:${address.port}${webPaths(secret).stream}`;
}

/** Whether the link crosses the network in clear: beyond loopback without TLS. */
export function linkInClear(address: ListenAddress, tls: boolean): boolean {
  return !tls && !isLoopback(address.host);
}

/** One line for the start output: who can reach the page, and the clear-text warning when it applies. */
export function describeWebExposure(address: ListenAddress, tls: boolean): { line: string; warning?: string } {
  const where = formatListen(address);
  const line = isLoopback(address.host)
    ? `Browser guests: listening on ${where}, this machine only.`
    : `Browser guests: listening on ${where}; anyone who can reach it and has the link (and the passphrase, if asked) can watch.`;
  if (!linkInClear(address, tls)) return { line };
  return {
    line,
    warning:
      `the browser link travels in clear over the network (no TLS): anyone on the path can read the link and the screen. ` +
      `Give a certificate and key (--web-cert FILE --web-key FILE), or listen on loopback behind a TLS proxy.`,
  };
}
