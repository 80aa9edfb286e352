// NATS credentials and TLS as a user gives them, to a NatsAuth (natsConnection.ts): the host's
// --relay-* options and the relay's --nats-* options are read by this one function, so both
// follow the same rules. Secrets never come from the command line, where other local users read
// them in the process list (as the passphrase rule in cli/givenPassphrase.ts): a password from
// $GUEST_BROADCAST_NATS_PASSWORD or a file, a token from a file or $GUEST_BROADCAST_NATS_TOKEN,
// and a URL with a password in it is refused.
import { readFileSync } from 'node:fs';
import { loadNatsAuthFiles, NatsAuth, NatsOptionNames } from './natsConnection';

export const NATS_PASSWORD_ENV = 'GUEST_BROADCAST_NATS_PASSWORD';
export const NATS_TOKEN_ENV = 'GUEST_BROADCAST_NATS_TOKEN';

/** The options as given (paths and a user name: no secret is an option's value). */
export interface NatsAuthGiven {
  creds?: string;
  user?: string;
  passwordFile?: string;
  tokenFile?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
}

/** Each option's name as the user typed it, e.g. { creds: '--relay-creds', … }. */
export type NatsAuthFlagNames = Record<keyof NatsAuthGiven | 'urls', string>;

/** Option names for a command whose NATS options share a prefix: --relay-creds, --nats-creds, … */
export function natsAuthFlagNames(prefix: string): NatsAuthFlagNames {
  const p = `--${prefix}`;
  return { urls: p, creds: `${p}-creds`, user: `${p}-user`, passwordFile: `${p}-password-file`, tokenFile: `${p}-token-file`, tlsCa: `${p}-tls-ca`, tlsCert: `${p}-tls-cert`, tlsKey: `${p}-tls-key` };
}

/** The names messages use once the values are read (the password and token name where they came from). */
export function natsOptionNames(flags: NatsAuthFlagNames): NatsOptionNames {
  return {
    urls: flags.urls,
    creds: flags.creds,
    user: flags.user,
    password: `$${NATS_PASSWORD_ENV} or ${flags.passwordFile}`,
    token: `${flags.tokenFile} (or $${NATS_TOKEN_ENV})`,
    tlsCa: flags.tlsCa,
    tlsCert: flags.tlsCert,
    tlsKey: flags.tlsKey,
  };
}

/** The NatsAuth the options give; throws an Error naming the option and saying what to do. */
export function natsAuthFrom(urls: readonly string[], given: NatsAuthGiven, flags: NatsAuthFlagNames, env: NodeJS.ProcessEnv = process.env): NatsAuth {
  for (const url of urls) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed?.password) {
      throw new Error(`${flags.urls}: give the NATS password with $${NATS_PASSWORD_ENV} or ${flags.passwordFile} (and the user with ${flags.user}), not in the URL, where other users of this machine can read it.`);
    }
  }
  const auth: NatsAuth = {};
  const ways = [given.creds !== undefined ? flags.creds : '', given.user !== undefined ? flags.user : '', given.tokenFile !== undefined ? flags.tokenFile : ''].filter(Boolean);
  if (ways.length > 1) throw new Error(`${ways.join(' and ')} are different ways to log in to NATS: give one.`);
  if (given.passwordFile !== undefined && given.user === undefined) throw new Error(`${flags.passwordFile} is the password of a NATS user: give the user with ${flags.user} NAME.`);
  if (given.user !== undefined) {
    if (!/^[^\s]{1,256}$/.test(given.user)) throw new Error(`${flags.user} "${given.user.slice(0, 64)}" is not a NATS user name (no spaces, 1 to 256 characters).`);
    auth.user = given.user;
    const pass = given.passwordFile !== undefined ? firstLine(given.passwordFile, flags.passwordFile, 'password') : env[NATS_PASSWORD_ENV];
    if (!pass) {
      throw new Error(`${flags.user} needs the user's password: put it in $${NATS_PASSWORD_ENV} or in a file named by ${flags.passwordFile} (never on the command line).`);
    }
    auth.pass = pass;
  } else if (given.tokenFile !== undefined) {
    auth.token = firstLine(given.tokenFile, flags.tokenFile, 'token');
  } else if (given.creds === undefined && env[NATS_TOKEN_ENV]) {
    auth.token = env[NATS_TOKEN_ENV];
  }
  if (given.creds !== undefined) auth.credsFile = given.creds;
  if (given.tlsCa !== undefined) auth.tlsCa = given.tlsCa;
  if (given.tlsCert !== undefined) auth.tlsCert = given.tlsCert;
  if (given.tlsKey !== undefined) auth.tlsKey = given.tlsKey;
  // Bad files are found now, before anything starts, not at the first connect.
  loadNatsAuthFiles(auth, natsOptionNames(flags));
  return auth;
}

/** A secret's file: its first line (a file written by `echo` works). */
function firstLine(path: string, option: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new Error(`Cannot read ${option} ${path}: ${why}. Save the NATS ${what} on its first line.`);
  }
  const value = text.split(/\r?\n/)[0];
  if (!value) throw new Error(`${option} ${path} is empty: put the NATS ${what} on its first line.`);
  return value;
}
