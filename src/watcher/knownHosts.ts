// OpenSSH's known_hosts format, read-only: plain, wildcard and negated patterns, `[host]:port`
// for ports other than 22, hashed `|1|salt|hmac` entries (HashKnownHosts), and the
// @revoked / @cert-authority markers. Lookups name the host as OpenSSH does: `host` on port
// 22, `[host]:port` otherwise.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface KnownHostEntry {
  /** The file and line, for messages ("~/.ssh/known_hosts:12"). */
  source: string;
  marker: 'revoked' | 'cert-authority' | undefined;
  patterns: string;
  keyType: string;
  keyBlob: Buffer;
}

/** The name a host is stored under: `host` for port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function parseKnownHosts(text: string, sourceName: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const m = fields.shift()!;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return; // an unknown marker: OpenSSH skips the line too
    }
    if (fields.length < 3) return;
    const [patterns, keyType, base64] = fields;
    const keyBlob = Buffer.from(base64, 'base64');
    if (keyBlob.length === 0) return;
    entries.push({ source: `${sourceName}:${index + 1}`, marker, patterns, keyType, keyBlob });
  });
  return entries;
}

/** Reads a known_hosts file; a missing file is simply empty. */
export function readKnownHostsFile(path: string): KnownHostEntry[] {
  try {
    return parseKnownHosts(readFileSync(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EACCES') return [];
    throw error;
  }
}

function wildcardMatch(pattern: string, name: string): boolean {
  const re = '^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$';
  return new RegExp(re, 'i').test(name);
}

function hashedMatch(pattern: string, name: string): boolean {
  // |1|base64(salt)|base64(HMAC-SHA1(key=salt, name))
  const parts = pattern.split('|');
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2], 'base64');
  const expected = Buffer.from(parts[3], 'base64');
  const actual = createHmac('sha1', salt).update(name).digest();
  return expected.length === actual.length && expected.equals(actual);
}

/** Does the entry's host field name `name` (already in `[host]:port` form when needed)? */
export function patternsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith('|')) return hashedMatch(patterns, name);
  let matched = false;
  for (const pattern of patterns.split(',')) {
    if (pattern.startsWith('!')) {
      if (wildcardMatch(pattern.slice(1), name)) return false; // a negation vetoes the line
    } else if (wildcardMatch(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

export function entriesFor(entries: KnownHostEntry[], host: string, port: number): KnownHostEntry[] {
  const name = knownHostsName(host, port);
  return entries.filter((e) => patternsMatch(e.patterns, name));
}

/** A plain (unhashed) known_hosts line for our own store. */
export function formatKnownHostsLine(host: string, port: number, keyType: string, keyBlob: Buffer): string {
  return `${knownHostsName(host, port)} ${keyType} ${keyBlob.toString('base64')}`;
}
