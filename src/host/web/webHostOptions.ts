// The browser route's host options, checked where the other host options are (hostOptions.ts):
// --web [ADDR:]PORT (or guestBroadcast.web), --web-cert/--web-key (guestBroadcast.webCert/.webKey).
// Throws a plain Error naming the option; the options model turns it into its own error type.
import { parseListen } from '../embedded/listen';
import { readWebTls, WebOptionNames, WebTls } from './webOptions';

export interface RawWebHostOptions {
  web?: unknown;
  webCert?: unknown;
  webKey?: unknown;
}

export interface WebHostOptions {
  /** "[ADDR:]PORT" as given: a bare port is loopback. */
  listen: string;
  tls: WebTls | undefined;
}

const given = (value: unknown): string | undefined => (value === undefined || value === null || value === false || String(value).trim() === '' ? undefined : String(value).trim());

/**
 * undefined when the browser route is off (no --web). `access` is the broadcast's access policy:
 * browsers cannot log in with SSH keys, so `keys` is refused with what to do instead.
 */
export function parseWebHostOptions(raw: RawWebHostOptions, names: WebOptionNames & { access: string }, access: string): WebHostOptions | undefined {
  const web = given(raw.web);
  const cert = given(raw.webCert);
  const key = given(raw.webKey);
  if (web === undefined) {
    if (cert !== undefined || key !== undefined) throw new Error(`${cert !== undefined ? names.cert : names.key} is only used with ${names.web} (the browser route).`);
    return undefined;
  }
  parseListen(web, names.web);
  if (access === 'keys') {
    throw new Error(
      `${names.web} cannot be used with ${names.access} keys: browsers have no SSH keys to log in with. ` +
        `Use ${names.access} password (the page asks for the same passphrase as ssh) or ${names.access} open (the secret link admits), or leave ${names.web} out.`,
    );
  }
  return { listen: web, tls: readWebTls(cert, key, names) };
}
