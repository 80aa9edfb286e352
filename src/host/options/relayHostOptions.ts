// The relay route's host options, checked where the other host options are: --relay
// nats://HOST:PORT[,…] and --relay-id NAME. Throws a plain Error naming the option; the options
// model turns it into its own error type. VS Code's guestBroadcast.relay holds the URLs as a list
// (settings.json array), the CLI's --relay as comma-separated text: both read the same here.
import { parseNatsUrls } from '../../wire/natsUrls';
import { BROADCAST_ID_RULE, isBroadcastId } from '../../wire/relayProtocol';

export interface RelayHostOptions {
  urls: string[];
  /** undefined: the random id kept in the state folder. */
  id: string | undefined;
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
export function parseRelayHostOptions(raw: { relay?: unknown; relayId?: unknown }, names: { relay: string; relayId: string; access: string }, access: string): RelayHostOptions | undefined {
  const relay = given(urlList(raw.relay, names.relay));
  const id = given(raw.relayId);
  if (relay === undefined) {
    if (id !== undefined) throw new Error(`${names.relayId} is only used with ${names.relay} (guests watching through relays on NATS).`);
    return undefined;
  }
  const urls = parseNatsUrls(relay, names.relay);
  if (id !== undefined && !isBroadcastId(id)) throw new Error(`${names.relayId} "${id}" is not a valid id: ${BROADCAST_ID_RULE}.`);
  if (access !== 'open') {
    throw new Error(
      `${names.relay} works with ${names.access} open only for now: relays do not check passphrases or keys yet, so the broadcast id is what admits guests ` +
        `(leave ${names.relayId} out for a random one nobody can guess). Use ${names.access} open, or leave ${names.relay} out.`,
    );
  }
  return { urls, id };
}
