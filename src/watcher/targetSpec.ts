// Parses what a person types to name a broadcast host: `[user@]host[:port]`, with IPv6 in
// brackets (`[::1]:2222`, `guest@[fe80::1%eth0]`), a bare IPv6 address (`::1`, no port), or an
// `ssh://[user@]host[:port]` URL. Defaults (user `guest`, port 22) and ~/.ssh/config are applied
// later (resolveTarget.ts): here a missing part stays undefined so the config can fill it.

export const DEFAULT_USER = 'guest';
export const DEFAULT_PORT = 22;

/** A target that cannot be understood; the message says what a good one looks like. */
export class TargetError extends Error {
  override name = 'TargetError';
}

export interface TargetSpec {
  user?: string;
  host: string;
  port?: number;
}

const EXAMPLE = 'Expected [user@]host[:port], for example guest@example.org:2222 or [::1]:2222.';
// A DNS name, an IPv4 address or an ssh config alias: no spaces, no shell or URL punctuation.
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
// An IPv6 literal, optionally with a zone (%eth0).
const IPV6 = /^[0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.-]+)?$/;
// Unix and Windows account names: no spaces, '@', ':' or control characters.
const USER = /^[A-Za-z0-9_.][A-Za-z0-9_.$-]*$/;

export function parsePort(text: string, what = 'port'): number {
  if (!/^\d{1,5}$/.test(text)) throw new TargetError(`The ${what} "${text}" is not a number from 1 to 65535.`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new TargetError(`The ${what} ${port} is out of range: use 1 to 65535.`);
  return port;
}

function checkHost(host: string, spec: string): void {
  if (!host) throw new TargetError(`"${spec}" names no host. ${EXAMPLE}`);
  if (host.includes(':')) {
    if (!IPV6.test(host) || (host.match(/:/g) ?? []).length < 2) throw new TargetError(`"${host}" is not a valid IPv6 address. ${EXAMPLE}`);
    return;
  }
  if (!HOST_NAME.test(host)) throw new TargetError(`"${host}" is not a valid host name. ${EXAMPLE}`);
}

export function parseTargetSpec(input: string): TargetSpec {
  const spec = input.trim();
  if (!spec) throw new TargetError(`No host given. ${EXAMPLE}`);
  if (/\s/.test(spec)) throw new TargetError(`"${spec}" contains spaces. ${EXAMPLE}`);

  let rest = spec;
  if (/^ssh:\/\//i.test(rest)) rest = rest.slice('ssh://'.length).replace(/\/$/, '');
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) throw new TargetError(`Only ssh:// addresses can be watched, not "${spec}". ${EXAMPLE}`);

  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!user) throw new TargetError(`"${spec}" has an empty user name before "@". ${EXAMPLE}`);
    if (!USER.test(user)) throw new TargetError(`"${user}" is not a valid user name. ${EXAMPLE}`);
  }

  let host: string;
  let port: number | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw new TargetError(`"${spec}" opens "[" but never closes it. ${EXAMPLE}`);
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after) {
      if (!after.startsWith(':')) throw new TargetError(`Unexpected "${after}" after "]" in "${spec}". ${EXAMPLE}`);
      port = parsePort(after.slice(1));
    }
  } else {
    const colons = (rest.match(/:/g) ?? []).length;
    if (colons === 1) {
      const i = rest.indexOf(':');
      host = rest.slice(0, i);
      port = parsePort(rest.slice(i + 1));
    } else {
      // No colon: a name. Two or more: a bare IPv6 address, which cannot carry a port.
      host = rest;
    }
  }
  checkHost(host, spec);
  return { user, host, port };
}

/** How a target is written back for people: the shortest form that parses to the same thing. */
export function formatTarget(target: { user: string; host: string; port: number }): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${target.user}@${host}${target.port === DEFAULT_PORT ? '' : `:${target.port}`}`;
}
