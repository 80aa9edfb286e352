// Settings of the browser route: what the host chooses with --web, --web-cert/--web-key (or the
// VS Code settings guestBroadcast.web, .webCert, .webKey). Bounds shared with the SSH routes
// (viewers, per address, login time, passphrase attempts) take the embedded server's defaults.
import { readFileSync } from 'node:fs';
import { EMBEDDED_DEFAULTS } from '../embedded/options';
import { ListenAddress, parseListen } from '../embedded/listen';

export const WEB_DEFAULTS = {
  /** Loopback unless the host names an address: a bare port means 127.0.0.1:PORT. */
  host: '127.0.0.1',
  /** Bytes of HTTP headers, and time to send them and the rest of a request. */
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: 5_000,
  /**
   * Page messages a socket may send per second (bursts of twice that pass); beyond: closed. A page
   * sends its size only when it changes, so even a window being dragged stays far below this.
   */
  messagesPerSecond: 50,
  /** Browsers open several connections per page (assets, the socket): TCP connections one address may hold beyond its sockets. */
  extraConnectionsPerAddress: 8,
} as const;

/** What the TLS option names are called where the user set them. */
export interface WebOptionNames {
  web: string;
  cert: string;
  key: string;
}

export const CLI_WEB_NAMES: WebOptionNames = { web: '--web', cert: '--web-cert', key: '--web-key' };
export const SETTING_WEB_NAMES: WebOptionNames = { web: 'guestBroadcast.web', cert: 'guestBroadcast.webCert', key: 'guestBroadcast.webKey' };

export interface WebTls {
  cert: Buffer;
  key: Buffer;
  certFile: string;
  keyFile: string;
}

export interface WebRouteOptions {
  /** "[ADDR:]PORT"; a bare port listens on loopback only. Port 0 picks a free port (tests). */
  listen: string;
  /** Where the link secret lives: the state folder of the host key. */
  stateDir: string;
  /** 'password': the page asks for the SSH passphrase (state folder) before any screen byte. */
  access: 'open' | 'password';
  tls?: WebTls;
  /** dist/media (the page's script and style); default found next to the running bundle. */
  assetDir?: string;
  maxViewers?: number;
  maxConnectionsPerAddress?: number;
  /** From the socket opening to watching (passphrase typing included). */
  handshakeTimeoutMs?: number;
  maxAuthAttempts?: number;
  maxSizeGroups?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  messagesPerSecond?: number;
  names?: WebOptionNames;
  appRoot?: string;
  onJoin?: (guest: { user: string; address: string }) => void;
  onLeave?: (guest: { user: string; address: string; reason: string }) => void;
  onWarning?: (message: string) => void;
}

/** "[ADDR:]PORT" as an address: a bare port is loopback (the safe default). */
export function parseWebListen(value: string, setting = CLI_WEB_NAMES.web): ListenAddress {
  return parseListen(value, setting);
}

/** The login time in effect (as the SSH route's: longer when a passphrase must be typed). */
export function webHandshakeTimeoutMs(options: Pick<WebRouteOptions, 'handshakeTimeoutMs' | 'access'>): number {
  return options.handshakeTimeoutMs ?? (options.access === 'password' ? EMBEDDED_DEFAULTS.passwordHandshakeTimeoutMs : EMBEDDED_DEFAULTS.handshakeTimeoutMs);
}

/**
 * Reads the certificate and key: both or neither. Throws with a message naming the option (a
 * usage error for the CLI) when one is missing or cannot be read.
 */
export function readWebTls(certFile: string | undefined, keyFile: string | undefined, names: WebOptionNames = CLI_WEB_NAMES): WebTls | undefined {
  const cert = certFile?.trim() || undefined;
  const key = keyFile?.trim() || undefined;
  if (!cert && !key) return undefined;
  if (!cert || !key) {
    throw new Error(`${cert ? names.key : names.cert} is missing: TLS needs both ${names.cert} (the certificate, PEM) and ${names.key} (its private key, PEM), or neither.`);
  }
  const read = (file: string, name: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : code === 'EISDIR' ? 'is a folder' : (error as Error).message;
      throw new Error(`${name} ${file} ${why}. Name a readable PEM file.`);
    }
  };
  const certPem = read(cert, names.cert);
  const keyPem = read(key, names.key);
  if (!certPem.toString('latin1').includes('-----BEGIN')) throw new Error(`${names.cert} ${cert} is not a PEM certificate (no "-----BEGIN" line).`);
  if (!keyPem.toString('latin1').includes('-----BEGIN')) throw new Error(`${names.key} ${key} is not a PEM private key (no "-----BEGIN" line).`);
  return { cert: certPem, key: keyPem, certFile: cert, keyFile: key };
}
