// The ONE place that connects to NATS, for the host's relay route and for the relay alike: the
// credentials (user/password, token or a creds file), TLS (a CA to trust, a client certificate),
// the reconnect settings, and what a refusal means in words that name the option to fix.
//
// Secrets (the password, the token, the creds file's seed) are never printed: messages name the
// option or the file, never the value, and URLs are shown by shownNatsUrls (no user:pass@).
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
// node:tls only when connecting (loading it loads net and crypto: not at VS Code's activation).
import type { PeerCertificate } from 'node:tls';
import type { ConnectionOptions, NatsConnection } from '@nats-io/nats-core';
import { shownNatsUrls } from './relayWatch';

/** How a host or a relay proves itself to NATS, and whom it trusts over TLS. Files are paths. */
export interface NatsAuth {
  user?: string;
  pass?: string;
  token?: string;
  /** A NATS creds file (a user JWT and its nkey seed, as `nsc` makes them). */
  credsFile?: string;
  /** PEM: the CA that signed the server's certificate (TLS is then required). */
  tlsCa?: string;
  /** PEM: a client certificate and its key, for a server that verifies clients. */
  tlsCert?: string;
  tlsKey?: string;
}

/** Where the user gave each part, as messages name it ("--relay-creds", "--nats-creds", a setting). */
export interface NatsOptionNames {
  urls: string;
  creds: string;
  user: string;
  /** Where the password comes from, e.g. "$GUEST_BROADCAST_NATS_PASSWORD or --relay-password-file". */
  password: string;
  token: string;
  tlsCa: string;
  tlsCert: string;
  tlsKey: string;
}

/** Names for a typed caller (tests): the fields' own names. */
export const NATS_FIELD_NAMES: NatsOptionNames = { urls: 'urls', creds: 'credsFile', user: 'user', password: 'pass', token: 'token', tlsCa: 'tlsCa', tlsCert: 'tlsCert', tlsKey: 'tlsKey' };

type NatsClient = Pick<typeof import('@nats-io/transport-node'), 'connect'> & Pick<typeof import('@nats-io/nats-core'), 'credsAuthenticator'>;

/** Reconnect for ever, a second apart: a host or relay outlives a NATS restart or a node's loss. */
const RECONNECT = { maxReconnectAttempts: -1, reconnectTimeWait: 1000 } as const;

/** The files' contents, read and checked: the error names the option and says what to do. */
export interface LoadedNatsAuth {
  creds?: Uint8Array;
  tls?: { ca?: string; cert?: string; key?: string };
}

/** Reads and checks the files `auth` names (also used when options are parsed, to fail early). */
export function loadNatsAuthFiles(auth: NatsAuth, names: NatsOptionNames): LoadedNatsAuth {
  const out: LoadedNatsAuth = {};
  if (auth.credsFile !== undefined) {
    const text = readOptionFile(auth.credsFile, names.creds);
    // A creds file holds a user JWT and the user's nkey seed, each between NATS's own markers.
    if (!/-{3,}BEGIN NATS USER JWT-{3,}\s*\S+\s*-{3,}END NATS USER JWT-{3,}/.test(text) || !/-{3,}BEGIN USER NKEY SEED-{3,}\s*SU[A-Z2-7]+\s*-{3,}END USER NKEY SEED-{3,}/.test(text)) {
      throw new Error(`${names.creds} ${auth.credsFile} is not a NATS creds file (a user JWT and an nkey seed, as \`nsc generate creds\` writes them). Give the .creds file your NATS operator made for you.`);
    }
    out.creds = Buffer.from(text, 'utf8');
  }
  if (auth.tlsCert !== undefined && auth.tlsKey === undefined) throw new Error(`${names.tlsCert} needs ${names.tlsKey} (the client certificate's private key).`);
  if (auth.tlsKey !== undefined && auth.tlsCert === undefined) throw new Error(`${names.tlsKey} needs ${names.tlsCert} (the client certificate it belongs to).`);
  if (auth.tlsCa !== undefined || auth.tlsCert !== undefined) {
    const tls: NonNullable<LoadedNatsAuth['tls']> = {};
    if (auth.tlsCa !== undefined) tls.ca = pemCertificate(auth.tlsCa, names.tlsCa, 'the CA certificate that signed the NATS server\'s certificate');
    if (auth.tlsCert !== undefined) tls.cert = pemCertificate(auth.tlsCert, names.tlsCert, 'your client certificate');
    if (auth.tlsKey !== undefined) {
      const key = readOptionFile(auth.tlsKey, names.tlsKey);
      try {
        createPrivateKey(key);
      } catch {
        throw new Error(`${names.tlsKey} ${auth.tlsKey} is not a PEM private key ("-----BEGIN PRIVATE KEY-----"). Give the key of the certificate in ${names.tlsCert}.`);
      }
      tls.key = key;
    }
    out.tls = tls;
  }
  return out;
}

/**
 * Connects to the first NATS server of `urls` that answers, with `auth`; `name` labels the
 * connection in the server's monitoring. Throws an Error that says what went wrong and which
 * option to fix (names: as the caller's user knows them).
 */
export async function connectNats(urls: string[], auth: NatsAuth, name: string, names: NatsOptionNames = NATS_FIELD_NAMES, inboxPrefix?: string): Promise<NatsConnection> {
  const shown = shownNatsUrls(urls);
  const files = loadNatsAuthFiles(auth, names);
  // An inbox of its own lets NATS permissions give a host only its own answers (a host allowed
  // all of _INBOX.> could read relays' snapshot answers of other broadcasts).
  const options: ConnectionOptions = { servers: urls, name, ...RECONNECT, ...(inboxPrefix ? { inboxPrefix } : {}) };
  if (auth.user !== undefined) Object.assign(options, { user: auth.user, pass: auth.pass ?? '' });
  if (auth.token !== undefined) options.token = auth.token;
  // Loaded only now, through our own module (natsClient.ts says why): a broadcast without relays
  // never loads the NATS client.
  const { connect, credsAuthenticator } = (await import('./natsClient')) as unknown as NatsClient;
  if (files.creds) options.authenticator = credsAuthenticator(files.creds);
  // A tls:// address asks for TLS as the CA option does (the NATS client would otherwise connect
  // in plain text to a server that does not require TLS, passwords included): trusting the
  // machine's CAs unless a CA is given.
  const tls = files.tls ?? (asksForTls(urls) ? {} : undefined);
  if (tls) options.tls = { ...tls, checkServerIdentity: identityOfAny(urls, (await import('node:tls')).checkServerIdentity) } as NonNullable<ConnectionOptions['tls']>;
  try {
    return await connect(options);
  } catch (error) {
    throw new Error(connectFailure(error as Error, shown, auth, names));
  }
}

/** Whether an address of the list says tls:// (then every connection must be TLS). */
function asksForTls(urls: readonly string[]): boolean {
  return urls.some((u) => /^tls:\/\//i.test(u.trim()));
}

/** Why the registry bucket could not be opened: no JetStream, or a NATS user without the permissions. */
export function registryFailure(shown: string, error: Error): string {
  if (/permissions violation/i.test(error.message)) {
    return `NATS at ${shown} does not let this user use the relay registry (${error.message}). Give it the permissions in the README's NATS permissions (docs/nats-permissions.conf).`;
  }
  return `NATS at ${shown} has no JetStream for the relay registry (${error.message}). Start nats-server with -js.`;
}

/** What a failed connect means, and what to do about it. */
function connectFailure(error: Error, shown: string, auth: NatsAuth, names: NatsOptionNames): string {
  const why = error.message;
  const kind = error.constructor?.name ?? '';
  if (kind === 'AuthorizationError' || /authorization violation|authentication/i.test(why)) {
    const given = [auth.user !== undefined ? `${names.user} with the password from ${names.password}` : '', auth.token !== undefined ? names.token : '', auth.credsFile !== undefined ? names.creds : ''].filter(Boolean);
    return given.length
      ? `NATS at ${shown} refused the credentials given (${given.join(', ')}): ${why}. Check them with whoever runs the NATS server.`
      : `NATS at ${shown} needs credentials (${why}): give ${names.user} NAME with the password in ${names.password}, or ${names.token}, or ${names.creds}.`;
  }
  if (/does not support 'tls'/i.test(why)) {
    if (auth.tlsCa === undefined && auth.tlsCert === undefined) {
      return `NATS at ${shown} does not offer TLS, but the tls:// address in ${names.urls} asks for it. Enable TLS on the server, or write nats:// to connect without TLS.`;
    }
    return `NATS at ${shown} does not offer TLS, but ${names.tlsCa}${auth.tlsCert !== undefined ? ` / ${names.tlsCert}` : ''} asks for it. Enable TLS on the server, or leave the TLS options out.`;
  }
  if (/certificate|self[- ]signed|altname|hostname\/ip|unable to verify|CERT_|issuer/i.test(why)) {
    const cause = /altname|hostname\/ip/i.test(why)
      ? `its certificate does not name the address in ${names.urls} (connect by a name or IP address the certificate lists)`
      : auth.tlsCa === undefined
        ? `its certificate is not signed by a CA this machine trusts: give the CA's certificate with ${names.tlsCa} FILE`
        : `its certificate is not signed by the CA in ${names.tlsCa} ${auth.tlsCa}: give the CA that signed it`;
    return `The TLS connection to NATS at ${shown} failed (${why}): ${cause}.`;
  }
  if (/certificate required|handshake failure|alert/i.test(why)) {
    return `The TLS connection to NATS at ${shown} failed (${why}): the server may require a client certificate: give ${names.tlsCert} and ${names.tlsKey}.`;
  }
  return `Cannot reach NATS at ${shown} (${why}). Check that nats-server runs there (with -js) and that ${names.urls} names it.`;
}

/**
 * The server's certificate must name one of the servers the user listed. The NATS client gives
 * TLS no server name for an IP address (nats://127.0.0.1:4222), so node would check the
 * certificate against "localhost"; this checks it against the listed hosts instead (the same
 * rule node applies, for each of them: DNS names and IP addresses in subjectAltName).
 */
function identityOfAny(urls: readonly string[], checkServerIdentity: (host: string, cert: PeerCertificate) => Error | undefined): (name: string, cert: PeerCertificate) => Error | undefined {
  const hosts = urls.map((u) => new URL(u.includes('://') ? u : `nats://${u}`).hostname.replace(/^\[|\]$/g, ''));
  return (name, cert) => {
    let first: Error | undefined;
    for (const host of name && name !== 'localhost' ? [name, ...hosts] : hosts) {
      const error = checkServerIdentity(host, cert);
      if (!error) return undefined;
      first ??= error;
    }
    return first;
  };
}

function readOptionFile(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new Error(`Cannot read ${option} ${path}: ${why}.`);
  }
}

function pemCertificate(path: string, option: string, what: string): string {
  const text = readOptionFile(path, option);
  try {
    new X509Certificate(text);
  } catch {
    throw new Error(`${option} ${path} is not a PEM certificate ("-----BEGIN CERTIFICATE-----"): give ${what}.`);
  }
  return text;
}

/**
 * Lets go of a connection for good: drained (what was published is flushed, subscriptions end)
 * when the server answers within a few seconds, then closed in any case. A drain refused or left
 * hanging (the link down, nats.js reconnecting for ever) would otherwise keep reconnecting and
 * keep the process alive after a stop.
 */
export async function closeNats(nc: NatsConnection, drainMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([nc.drain().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, drainMs)))]);
  clearTimeout(timer);
  await nc.close().catch(() => undefined);
}
