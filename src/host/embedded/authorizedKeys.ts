// The `keys` policy's authorized_keys file, read as OpenSSH writes it: one key a line, optional
// leading options, a comment after the key, '#' comments and blank lines. Options that would
// narrow who may log in (from=, expiry-time=, ...) cannot be honoured here, so such a line is
// skipped with a warning rather than silently widened.
import { readFileSync } from 'node:fs';
import { ParsedKey, utils } from 'ssh2';

export interface AuthorizedKey {
  key: ParsedKey;
  /** The public blob, to compare with what a client offers. */
  blob: Buffer;
  comment: string;
  line: number;
}

export interface AuthorizedKeys {
  keys: AuthorizedKey[];
  /** One message per line that was not used. */
  problems: string[];
}

const KEY_TYPES = new Set([
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
]);

// Options that only restrict what a session may do: we never grant any of those things anyway.
const HARMLESS_OPTIONS = new Set([
  'restrict', 'no-agent-forwarding', 'no-port-forwarding', 'no-x11-forwarding', 'no-user-rc',
  'command', 'environment', 'permitopen', 'permitlisten', 'no-touch-required', 'verify-required',
]);

/** Splits a line into words; double-quoted parts (with \" inside) stay in one word. */
function words(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '\\' && line[i + 1] === '"') {
      current += '\\"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (!quoted && (c === ' ' || c === '\t')) {
      if (current) out.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (current) out.push(current);
  return out;
}

/** The option names of "from=\"a,b\",no-pty": commas inside quotes do not split. */
function optionNames(options: string): string[] {
  const names: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of options) {
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      names.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  names.push(current);
  return names.map((n) => n.split('=')[0].toLowerCase()).filter(Boolean);
}

export function parseAuthorizedKeys(text: string, source = 'authorized_keys'): AuthorizedKeys {
  const keys: AuthorizedKey[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    const parts = words(trimmed);
    let at = 0;
    let options = '';
    // A line starts with its key type unless it starts with options ("no-pty,from=...").
    const looksLikeType = /^(ssh|ecdsa|sk|rsa)-[A-Za-z0-9@._-]+$/.test(parts[0]);
    if (!looksLikeType) {
      options = parts[0];
      at = 1;
    }
    const type = parts[at];
    const data = parts[at + 1];
    if (!type || !data) {
      problems.push(`${source} line ${line}: not a key ("TYPE BASE64 [comment]" expected); skipped.`);
      return;
    }
    if (!KEY_TYPES.has(type)) {
      problems.push(`${source} line ${line}: key type "${type}" is not supported here (use ssh-ed25519, ssh-rsa or ecdsa); skipped.`);
      return;
    }
    const unsupported = optionNames(options).filter((o) => !HARMLESS_OPTIONS.has(o));
    if (unsupported.length) {
      problems.push(`${source} line ${line}: option ${unsupported.join(', ')} cannot be honoured by the embedded server; this key is not accepted.`);
      return;
    }
    const parsed = utils.parseKey(`${type} ${data}`);
    if (parsed instanceof Error) {
      problems.push(`${source} line ${line}: ${parsed.message}; skipped.`);
      return;
    }
    const key = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
    if (key.type !== type) {
      problems.push(`${source} line ${line}: the key says "${key.type}" but the line says "${type}"; skipped.`);
      return;
    }
    keys.push({ key, blob: key.getPublicSSH(), comment: parts.slice(at + 2).join(' '), line });
  });
  return { keys, problems };
}

/** settingName: where the user names the file (--authorized-keys, or VS Code's setting), for the message. */
export function readAuthorizedKeys(path: string, settingName = 'the setting guestBroadcast.authorizedKeysFile'): AuthorizedKeys {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
    throw new Error(`Cannot read the authorized keys file ${path}: ${why}. Put the guests' public keys (one "ssh-ed25519 AAAA... name" a line) there, or name another file with ${settingName}.`);
  }
  return parseAuthorizedKeys(text, path);
}
