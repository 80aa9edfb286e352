// The listen address: parsing, what it exposes, and the command a guest types to reach it.
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { guestSshCommand } from '../guestSshCommand';

export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * Parses "HOST:PORT", "[V6]:PORT" or a bare "PORT" (which means 127.0.0.1:PORT). Port 0 asks the
 * system for a free port (tests). `setting` names where the value came from, for the error;
 * `examplePort` is the port its examples show (the default of that setting: a relay's is 2223).
 */
export function parseListen(value: string, setting = 'guestBroadcast.listen', examplePort = 2222): ListenAddress {
  const text = value.trim();
  const bad = (why: string): Error =>
    new Error(`${setting} "${value}" is not a listen address (${why}). Use HOST:PORT, e.g. 127.0.0.1:${examplePort} (this machine only) or 0.0.0.0:${examplePort} (everyone who can reach it).`);
  let host: string;
  let portText: string;
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  if (v6) {
    [, host, portText] = v6;
    if (isIP(host) !== 6) throw bad(`"${host}" is not an IPv6 address`);
  } else if (/^\d+$/.test(text)) {
    host = '127.0.0.1';
    portText = text;
  } else {
    const colon = text.lastIndexOf(':');
    // ":2222" has a port and lacks the address; a bare "2222" (above) means 127.0.0.1:2222.
    if (colon === 0) throw bad(`no address before the port: write 127.0.0.1${text} or 0.0.0.0${text}`);
    if (colon < 0) throw bad('no port');
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(':')) throw bad(`write an IPv6 address in brackets: [::1]:${examplePort}`);
    // The name pattern first: it takes every IPv4 address too, so node:net (loaded only when
    // first used, see scripts/lazyModules.mjs) is not loaded when VS Code starts and the
    // settings are read; isIP decides only what the pattern refuses.
    if (!/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(host) && !isIP(host)) throw bad(`"${host}" is not an address or host name`);
  }
  if (!/^\d{1,5}$/.test(portText)) throw bad(`"${portText}" is not a port number`);
  const port = Number(portText);
  if (port > 65535) throw bad('ports go up to 65535');
  return { host, port };
}

export function formatListen(address: ListenAddress): string {
  return isIP(address.host) === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** One line for the start output: who can reach the server. */
export function describeExposure(address: ListenAddress): string {
  const where = formatListen(address);
  if (isLoopback(address.host)) return `Listening on ${where}: only people logged in to this machine can watch.`;
  if (isWildcard(address.host)) {
    return `Listening on ${where}: EVERY network interface. Anyone who can reach this machine on port ${address.port} can try to watch; the access policy decides who gets in.`;
  }
  return `Listening on ${where}: anyone who can reach ${address.host} on port ${address.port} can try to watch; the access policy decides who gets in.`;
}

/** `ssh -p 2222 guest@127.0.0.1`; a wildcard address is shown as this machine's name. */
export function embeddedJoinCommand(address: ListenAddress, user = 'guest', machine = hostname()): string {
  return guestSshCommand(user, isWildcard(address.host) ? machine : address.host, address.port);
}
