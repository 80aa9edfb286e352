// The relay route's host options, checked where the other host options are: --relay
// nats://HOST:PORT[,…], --relay-id NAME, and the NATS credentials and TLS (--relay-creds,
// --relay-user with the password from $GUEST_BROADCAST_NATS_PASSWORD or --relay-password-file,
// --relay-token-file, --relay-tls-ca/-cert/-key: read by host/relay/natsAuthOptions.ts, the same
// rules as the relay's --nats-* options). Throws a plain Error naming the option; the options
// model turns it into its own error type. VS Code's guestBroadcast.relay holds the URLs as a list
// (settings.json array), the CLI's --relay as comma-separated text: both read the same here.
import { parseNatsUrls } from '../../wire/natsUrls';
import { BROADCAST_ID_RULE, isBroadcastId } from '../../wire/relayProtocol';
import type { NatsAuth, NatsOptionNames } from '../relay/natsConnection';
import { NatsAuthFlagNames, natsAuthFrom, NatsAuthGiven, natsOptionNames } from '../relay/natsAuthOptions';
import type { HostOptionKey } from './names';

export interface RelayHostOptions {
  urls: string[];
  /** undefined: the random id kept in the state folder. */
  id: string | undefined;
  /** How the host logs in to NATS and whom it trusts over TLS (secrets read from their files). */
  auth: NatsAuth;
  /** The options' names, for the messages of a refused connection. */
  names: NatsOptionNames;
}

/** The raw option behind each NatsAuthGiven field. */
const AUTH_KEYS = {
  creds: 'relayCreds',
  user: 'relayUser',
  passwordFile: 'relayPasswordFile',
  tokenFile: 'relayTokenFile',
  tlsCa: 'relayTlsCa',
  tlsCert: 'relayTlsCert',
  tlsKey: 'relayTlsKey',
} as const satisfies Record<keyof NatsAuthGiven, HostOptionKey>;

export type RelayOptionNames = { relay: string; relayId: string; access: string } & NatsAuthFlagNames;

/** The names parseRelayHostOptions reports with, from the model's naming of each option. */
export function relayOptionNames(name: (key: HostOptionKey) => string): RelayOptionNames {
  const auth = Object.fromEntries(Object.entries(AUTH_KEYS).map(([field, key]) => [field, name(key)])) as Record<keyof NatsAuthGiven, string>;
  return { relay: name('relay'), relayId: name('relayId'), access: name('access'), urls: name('relay'), ...auth };
}

const given = (value: unknown): string | undefined => (value === undefined || value === null || value === false || String(value).trim() === '' ? undefined : String(value).trim());

/** A settings.json list of URLs as the CLI's comma-separated text; an empty list is off. */
function urlList(value: unknown, name: string): unknown {
  if (!Array.isArray(value)) {
    if (value !== null && typeof value === 'object') throw new Error(`${name} must be a list of NATS URLs such as ["nats://127.0.0.1:4222"] (got ${JSON.stringify(value)}).`);
    return value;
  }
  for (const item of value) {
    if (typeof item !== 'string') throw new Error(`${name} must be a list of NATS URLs such as ["nats://127.0.0.1:4222"]; ${JSON.stringify(item)} is not text.`);
    if (item.includes(',')) throw new Error(`${name}: give each NATS URL as its own item of the list, not "${item}" with a comma.`);
  }
  return value.map((u: string) => u.trim()).filter(Boolean).join(',');
}

/** undefined when the relay route is off (no --relay). */
export function parseRelayHostOptions(raw: Partial<Record<HostOptionKey, unknown>>, names: RelayOptionNames, env: NodeJS.ProcessEnv = process.env): RelayHostOptions | undefined {
  const relay = given(urlList(raw.relay, names.relay));
  const id = given(raw.relayId);
  const authGiven: NatsAuthGiven = {};
  for (const [field, key] of Object.entries(AUTH_KEYS) as Array<[keyof NatsAuthGiven, HostOptionKey]>) {
    const value = given(raw[key]);
    if (value !== undefined) authGiven[field] = value;
  }
  if (relay === undefined) {
    if (id !== undefined) throw new Error(`${names.relayId} is only used with ${names.relay} (guests watching through relays on NATS).`);
    const stray = (Object.keys(authGiven) as Array<keyof NatsAuthGiven>)[0];
    if (stray !== undefined) throw new Error(`${names[stray]} is only used with ${names.relay} (the NATS server relays use).`);
    return undefined;
  }
  const urls = parseNatsUrls(relay, names.relay);
  if (id !== undefined && !isBroadcastId(id)) throw new Error(`${names.relayId} "${id}" is not a valid id: ${BROADCAST_ID_RULE}.`);
  const auth = natsAuthFrom(urls, authGiven, names, env);
  return { urls, id, auth, names: natsOptionNames(names) };
}
