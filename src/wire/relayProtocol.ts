// The relay protocol on NATS (#18): how a host and any number of stateless relays share a
// broadcast. Every subject, message shape and parser lives here; the host (src/host/relay/) and
// the relay (src/relay/) import them and nothing else about each other.
//
// THE FLOW (P = `gb.b.<id>`, the broadcast's prefix; <id> is also the SSH user name on a relay)
//   1. Registry: the host puts a RegistryEntry under <id> in the JetStream KV bucket REGISTRY_BUCKET
//      (a TTL of REGISTRY_TTL_MS), refreshes it every HEARTBEAT_MS, and deletes it when it stops.
//      A relay looks the id up when a guest logs in: no entry, a clear refusal.
//   2. P.open (request/reply): a relay with a guest of a size it does not serve yet asks for a
//      group. The host clamps the size, places it in the broadcast's ONE fan-out (the same
//      SizeGroups as its SSH and browser guests, so the cap on sizes holds for all) and answers
//      with the group's id and its real size (the cap may give a larger one, with a notice).
//   3. P.g.<group>: the host publishes that group's paced output ONCE, each message a binary frame
//      with a sequence number (encodeFrame); a relay subscribes once per group, however many guests.
//   4. P.snap (request/reply): a relay that subscribed, or that sees a gap in the sequence, asks
//      for the group's screen; the answer says which sequence number it covers (`seq`): the relay
//      drops frames up to it and applies those after it: no gap, no repeat.
//   5. P.lease (request/reply): a relay holds each group it serves by asking every LEASE_RENEW_MS;
//      the host ends a group no relay has held for LEASE_MS. A relay whose last guest of a group
//      leaves says so (`release`), and the host ends the group at once if no other relay holds it:
//      without it, a guest resizing in a loop through a relay left a group per size behind for
//      LEASE_MS, filling the broadcast's cap on sizes for everyone (the security catalogue's
//      "relay: resize storm" then "relay: resize to 1x1" found it).
//   6. P.presence: each relay publishes its guests (bounded) so the host lists them as viewers,
//      and its SSH and browser addresses, for the host's watch line. P.hello: the host asks at
//      start and with each heartbeat, and every relay answers with its presence (at most once a
//      second per broadcast), so the host can print a watch line before its first relay guest.
//   7. P.size: the host's terminal size, each time it changes ({cols, rows}); the registry entry
//      carries the latest too, for relays that join later. Browser guests' fit mode and the live
//      stream on a relay follow it (`relay --web`), as they follow the host's own feed.
//   8. P.ended: the host's stop. Each group's frames already carry tmux's farewell and an `end`
//      frame; this message also reaches relays that hold no group.
//   8. P.alive: the host's heartbeat, every ALIVE_MS while its NATS link is up. A relay that hears
//      none for INTERRUPTED_AFTER_MS (the host's link dropped, or the relay's own) draws
//      HOST_INTERRUPTED_MESSAGE on its guests' screens and keeps them connected; at the next
//      heartbeat (or when its own link is back) it asks a snapshot for every group (step 4: no
//      gap, no repeat), which redraws the screen as it is now, without the line. Guests joining
//      meanwhile read the line too (on a blank screen): their group's P.open, like any request
//      nobody answered, is asked again (src/relay/hostRetry.ts), at once on the next heartbeat;
//      an answer that is an error is final. A host back on NATS puts its registry entry again at
//      once (its TTL may have lapsed) and holds every group for another LEASE_MS (leases could not
//      reach it meanwhile). A host that never comes back stops refreshing its entry: once the
//      registry says it lapsed, relays end their guests' views with HOST_GONE_MESSAGE.
//
// WHERE THIS CHANGES THE SKETCH IN #18, AND WHY
//   - A relay keeps each group's screen itself (the same ScreenModel as a host's size group), so a
//     guest joining late ON A RELAY is given the relay's own snapshot: the host is asked only when
//     the relay first subscribes to a group or sees a gap. The host's cost then grows with relays
//     and sizes, never with guests.
//   - The host's snapshot is a reply carrying `seq`, not a message on the group's subject: the
//     relays already in step do not redraw their guests because another relay joined.
//   - Group ids are the host's own short tokens, not sizes: with the cap on sizes several sizes
//     share a group, and the host alone decides which.
//   - Frames are never sent again. If the host's own NATS link backs up, the host's feed for that
//     group falls behind like a slow guest's and resynchronises: the screen goes out as the next
//     frame (its sequence number follows on), which every relay applies like any output.
//   - The registry entry carries the broadcast's access policy, and relays enforce it with the
//     embedded server's own login code (GuestConnection): `open` (the id admits), `password`
//     (a salted scrypt verifier of the passphrase, never the passphrase: see
//     host/embedded/passphraseVerifier.ts for why publishing it is acceptable), `keys` (the
//     authorized keys' public key lines, "TYPE BASE64"). The host refreshes it with each heartbeat,
//     so a regenerated passphrase or an edited authorized_keys reaches relays within HEARTBEAT_MS.
//   - P.kick: the host ends one relay guest (the one its viewer list shows, "relay/guest-N"); only
//     the relay named in it acts, and only on a guest of that broadcast.
//
// READ-ONLY BY CONSTRUCTION: every message a host receives goes through one of the parse*
// functions below, whose results can only ask for a size group (clamped and capped), a screen,
// a lease, or list guests. Nothing here carries keystrokes, and the host writes nothing it
// receives to tmux.

import { isPassphraseVerifier, PassphraseVerifier } from '../host/embedded/passphraseVerifier';
import { isWithinSizeLimits } from './terminalSizeLimits';

/** The KV bucket of broadcasts served through relays. */
export const REGISTRY_BUCKET = 'guest-broadcast';
/** An entry not refreshed for this long is gone (the host died or lost its link). */
export const REGISTRY_TTL_MS = 30_000;
export const HEARTBEAT_MS = 10_000;
/** A group no relay has held for this long ends. */
export const LEASE_MS = 15_000;
export const LEASE_RENEW_MS = 5_000;
/** A relay's presence is forgotten after this long without a new one. */
export const PRESENCE_TTL_MS = 15_000;
/** The host's heartbeat on P.alive. */
export const ALIVE_MS = 1_000;
/** A relay that hears no heartbeat for this long tells its guests the host's link is interrupted. */
export const INTERRUPTED_AFTER_MS = 3_500;
/** What relay guests read while the host's NATS link is down (drawn over the screen's last rows). */
/** Over a guest's (blank) screen while the host does not answer for its size group, though it still beats. */
export const HOST_NOT_ANSWERING_MESSAGE = 'Guest Broadcast: waiting for the host to answer; the view starts by itself when it does.';
export const HOST_INTERRUPTED_MESSAGE = "Guest Broadcast: the host's connection is interrupted; the view resumes by itself when it is back.";
/** The same, when it is this relay's own link to NATS that is down. */
export const RELAY_INTERRUPTED_MESSAGE = "Guest Broadcast: this relay's connection to the host is interrupted; the view resumes by itself when it is back.";
/** What relay guests read when the host never came back (its registry entry lapsed meanwhile). */
export const HOST_GONE_MESSAGE = "Guest Broadcast: the host's connection did not come back; the broadcast has ended.";
/** How long a relay waits for the host's answer to a request. */
export const REQUEST_TIMEOUT_MS = 5_000;
/** Control messages larger than this are ignored (a snapshot answer is not one). */
export const MAX_CONTROL_BYTES = 64 * 1024;
/** Guests one presence message may list; the rest are counted, not listed. */
export const MAX_PRESENCE_GUESTS = 1000;
export const PROTOCOL_VERSION = 1;

/** A broadcast id: the SSH user name on a relay, a NATS subject token and a KV key at once. */
/** Not starting with "-": ssh would read `-x@relay` as an option. */
export const BROADCAST_ID_RULE = 'letters, digits, "-" and "_" only, 1 to 64 of them, starting with a letter or digit';
export function isBroadcastId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(id);
}
/** A group id, as the host makes them ("g1", "g2", …). */
export function isGroupId(id: unknown): id is string {
  return typeof id === 'string' && /^g[0-9]{1,9}$/.test(id);
}
/** A relay's name in leases and presence. */
export function isRelayName(name: unknown): name is string {
  return typeof name === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(name);
}

export const subjects = {
  prefix: (id: string) => `gb.b.${id}`,
  all: (id: string) => `gb.b.${id}.>`,
  open: (id: string) => `gb.b.${id}.open`,
  snap: (id: string) => `gb.b.${id}.snap`,
  lease: (id: string) => `gb.b.${id}.lease`,
  presence: (id: string) => `gb.b.${id}.presence`,
  ended: (id: string) => `gb.b.${id}.ended`,
  kick: (id: string) => `gb.b.${id}.kick`,
  /** The host's inbox prefix (its answers: KV acks, kick replies), for per-host NATS permissions. */
  hostInbox: (id: string) => `_INBOX.host.${id}`,
  alive: (id: string) => `gb.b.${id}.alive`,
  group: (id: string, group: string) => `gb.b.${id}.g.${group}`,
  size: (id: string) => `gb.b.${id}.size`,
  /** The host asks which relays serve it (at start, then with each heartbeat); relays answer with P.presence. */
  hello: (id: string) => `gb.b.${id}.hello`,
  /** Every broadcast's hello: one subscription per relay. */
  anyHello: 'gb.b.*.hello',
  /** The broadcast id of a `gb.b.<id>.…` subject ('' when it is not one). */
  idOf: (subject: string) => /^gb\.b\.([^.]+)\./.exec(subject)?.[1] ?? '',
};

// ---- the registry ----

/** Who may watch through relays: the host's --access policy and what a relay checks it against. */
export type RegistryAccess = { access: 'open' } | { access: 'password'; verifier: PassphraseVerifier } | { access: 'keys'; keys: string[] };

export type RegistryEntry = {
  v: number;
  session: string;
  /** The host's terminal size (0x0: not known yet), put again whenever it changes (P.size). */
  cols: number;
  rows: number;
  started: string;
  /** Which host process put the entry (a random token): a host stopping deletes only its own entry. */
  owner?: string;
} & RegistryAccess;

/** Keys one entry may list, and a key line's length at most (an 8192-bit RSA key fits). */
export const MAX_REGISTRY_KEYS = 100;
export const MAX_KEY_LINE = 2048;
/** An entry is larger than a control message only by its keys. */
const MAX_REGISTRY_BYTES = 256 * 1024;

/** "TYPE BASE64": a public key as a relay compares it (no options, no comment). */
export function isPublicKeyLine(line: unknown): line is string {
  return typeof line === 'string' && line.length <= MAX_KEY_LINE && /^[a-z0-9@.-]{1,64} [A-Za-z0-9+/]+={0,2}$/.test(line);
}

/** An entry any NATS client allowed to write the bucket could have put: checked and bounded. */
export function parseRegistryEntry(text: string): RegistryEntry | undefined {
  const o = parseObject(text, MAX_REGISTRY_BYTES);
  if (!o || o.v !== PROTOCOL_VERSION || typeof o.session !== 'string') return undefined;
  const owner = typeof o.owner === 'string' && isBroadcastId(o.owner) ? { owner: o.owner } : {};
  const base = { v: PROTOCOL_VERSION, session: o.session.slice(0, 200), cols: int(o.cols, 0), rows: int(o.rows, 0), started: String(o.started ?? '').slice(0, 64), ...owner };
  switch (o.access) {
    case 'open':
      return { ...base, access: 'open' };
    case 'password':
      return isPassphraseVerifier(o.verifier) ? { ...base, access: 'password', verifier: { salt: o.verifier.salt, hash: o.verifier.hash } } : undefined;
    case 'keys':
      if (!Array.isArray(o.keys) || o.keys.length > MAX_REGISTRY_KEYS || !o.keys.every(isPublicKeyLine)) return undefined;
      return { ...base, access: 'keys', keys: [...(o.keys as string[])] };
    default:
      return undefined;
  }
}

// ---- requests (relay → host) and their answers ----

export interface OpenRequest {
  relay: string;
  cols: number;
  rows: number;
  term: string;
}
export type OpenReply = { ok: true; group: string; cols: number; rows: number; term: string; notice?: string } | { ok: false; error: string };

export interface SnapRequest {
  relay: string;
  group: string;
}
/** The snapshot answer's error for a group the host does not have (any more): the relay asks for the group again. */
export const NO_SUCH_GROUP = 'no such group';
export type SnapReply = { ok: true; group: string; seq: number; curtain: 'up' | 'down'; screen: string } | { ok: false; error: string };

export interface LeaseRequest {
  relay: string;
  groups: string[];
  /** Groups this relay lets go of now (its last guest of them left). */
  release: string[];
}
/** `gone`: groups the host no longer has (their relay subscriptions can go). */
export type LeaseReply = { ok: true; gone: string[] } | { ok: false; error: string };

export interface PresenceGuest {
  name: string;
  user: string;
  address: string;
  cols: number;
  rows: number;
  since: string;
}
export interface Presence {
  relay: string;
  /** Where guests reach this relay ("host:port"), for the host's watch line; '' when unknown. */
  ssh: string;
  /** Where browser guests reach this relay ("http(s)://host:port", `relay --web`); '' when it serves none. */
  web: string;
  guests: PresenceGuest[];
}

/** What the host hears from relays, already parsed; anything else is not a request (undefined). */
export function parseOpenRequest(text: string): OpenRequest | undefined {
  const o = parseVersioned(text);
  if (!o || !isRelayName(o.relay) || typeof o.term !== 'string') return undefined;
  // Sizes are whole numbers here; the host clamps them to MAX_GUEST_* (guestWindow.ts).
  if (!Number.isInteger(o.cols) || !Number.isInteger(o.rows)) return undefined;
  return { relay: o.relay, cols: o.cols as number, rows: o.rows as number, term: o.term.slice(0, 64) };
}

export function parseSnapRequest(text: string): SnapRequest | undefined {
  const o = parseVersioned(text);
  if (!o || !isRelayName(o.relay) || !isGroupId(o.group)) return undefined;
  return { relay: o.relay, group: o.group };
}

export function parseLeaseRequest(text: string): LeaseRequest | undefined {
  const o = parseVersioned(text);
  if (!o || !isRelayName(o.relay) || !Array.isArray(o.groups) || o.groups.length > 1000 || !o.groups.every(isGroupId)) return undefined;
  const release = o.release ?? [];
  if (!Array.isArray(release) || release.length > 1000 || !release.every(isGroupId)) return undefined;
  return { relay: o.relay, groups: o.groups as string[], release: release as string[] };
}

export function parsePresence(text: string): Presence | undefined {
  const o = parseVersioned(text);
  if (!o || !isRelayName(o.relay) || !Array.isArray(o.guests)) return undefined;
  const guests: PresenceGuest[] = [];
  for (const g of o.guests.slice(0, MAX_PRESENCE_GUESTS)) {
    if (!g || typeof g !== 'object') continue;
    const r = g as Record<string, unknown>;
    guests.push({ name: label(r.name), user: label(r.user), address: label(r.address), cols: int(r.cols, 0), rows: int(r.rows, 0), since: label(r.since) });
  }
  const ssh = typeof o.ssh === 'string' && /^[A-Za-z0-9.:[\]_-]{1,100}$/.test(o.ssh) ? o.ssh : '';
  // An origin only (no path, user or query): the host appends the broadcast's own path to it.
  const web = typeof o.web === 'string' && /^https?:\/\/[A-Za-z0-9.:[\]_-]{1,100}$/.test(o.web) ? o.web : '';
  return { relay: o.relay, ssh, web, guests };
}

/** What the relay hears back; a malformed answer reads as a failure. */
export function parseOpenReply(text: string): OpenReply {
  const o = parseObject(text);
  if (o?.ok === true && isGroupId(o.group) && Number.isInteger(o.cols) && Number.isInteger(o.rows) && typeof o.term === 'string') {
    return { ok: true, group: o.group, cols: o.cols as number, rows: o.rows as number, term: o.term, ...(typeof o.notice === 'string' ? { notice: o.notice } : {}) };
  }
  return { ok: false, error: typeof o?.error === 'string' ? o.error : 'the host sent an answer this relay does not understand' };
}

export function parseSnapReply(text: string): SnapReply {
  const o = parseObject(text, Infinity);
  if (o?.ok === true && isGroupId(o.group) && Number.isSafeInteger(o.seq) && (o.seq as number) >= 0 && typeof o.screen === 'string' && (o.curtain === 'up' || o.curtain === 'down')) {
    return { ok: true, group: o.group, seq: o.seq as number, curtain: o.curtain, screen: o.screen };
  }
  return { ok: false, error: typeof o?.error === 'string' ? o.error : 'the host sent an answer this relay does not understand' };
}

export function parseLeaseReply(text: string): LeaseReply {
  const o = parseObject(text);
  if (o?.ok === true && Array.isArray(o.gone) && o.gone.every(isGroupId)) return { ok: true, gone: o.gone as string[] };
  return { ok: false, error: typeof o?.error === 'string' ? o.error : 'the host sent an answer this relay does not understand' };
}

/** P.kick (host → relays): end `guest` (the relay's own id for it) on relay `relay` with `message`. */
export interface Kick {
  relay: string;
  guest: string;
  message: string;
}

export function parseKick(text: string): Kick | undefined {
  const o = parseVersioned(text);
  if (!o || !isRelayName(o.relay) || typeof o.guest !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(o.guest) || typeof o.message !== 'string') return undefined;
  return { relay: o.relay, guest: o.guest, message: o.message.replace(/[^\x20-\x7e\u00a0-\uffff]/g, '').slice(0, 500) };
}

/** The relay's answer to a kick: true when it ended that guest. */
export function parseKickReply(text: string): boolean {
  return parseObject(text)?.ok === true;
}

/** The host's size (P.size, or a registry entry's); sizes outside the shared limits are not believed. */
export function parseHostSizeMessage(text: string): { cols: number; rows: number } | undefined {
  const o = parseObject(text);
  return o && isWithinSizeLimits(o.cols, o.rows) ? { cols: o.cols as number, rows: o.rows as number } : undefined;
}

/** A heartbeat (P.alive) the relay believes: a versioned object, nothing else in it is used. */
export function parseAlive(text: string): boolean {
  return parseVersioned(text) !== undefined;
}

export function parseEnded(text: string): { message: string } | undefined {
  const o = parseObject(text);
  return o && typeof o.message === 'string' ? { message: o.message.slice(0, 500) } : undefined;
}

/** Encodes a control message (requests, answers, presence) with the protocol's version. */
export function encodeControl(message: object): Uint8Array {
  return Buffer.from(JSON.stringify({ v: PROTOCOL_VERSION, ...message }), 'utf8');
}

// ---- frames on P.g.<group> (host → relays) ----

export type FrameKind = 'bytes' | 'curtain-down' | 'curtain-up' | 'end';
const KIND_CODES: Record<FrameKind, number> = { bytes: 0, 'curtain-down': 1, 'curtain-up': 2, end: 3 };
const KINDS: FrameKind[] = ['bytes', 'curtain-down', 'curtain-up', 'end'];
/** One byte of kind, six of sequence number (big-endian): then the payload. */
export const FRAME_HEADER = 7;

export interface Frame {
  kind: FrameKind;
  seq: number;
  /** bytes: the output; end: the exit status as text; marks: empty. */
  payload: Buffer;
}

export function encodeFrame(kind: FrameKind, seq: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  out[0] = KIND_CODES[kind];
  out.writeUIntBE(seq, 1, 6);
  payload.copy(out, FRAME_HEADER);
  return out;
}

export function decodeFrame(data: Uint8Array): Frame | undefined {
  if (data.length < FRAME_HEADER) return undefined;
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const kind = KINDS[buf[0]];
  if (!kind) return undefined;
  return { kind, seq: buf.readUIntBE(1, 6), payload: buf.subarray(FRAME_HEADER) };
}

// ---- helpers ----

function parseObject(text: string, max = MAX_CONTROL_BYTES): Record<string, unknown> | undefined {
  if (text.length > max) return undefined;
  try {
    const o: unknown = JSON.parse(text);
    return o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function parseVersioned(text: string): Record<string, unknown> | undefined {
  const o = parseObject(text);
  return o?.v === PROTOCOL_VERSION ? o : undefined;
}

function int(value: unknown, fallback: number): number {
  return Number.isInteger(value) ? (value as number) : fallback;
}

/** Printable and short: presence only labels guests in the host's list. */
function label(value: unknown): string {
  return (typeof value === 'string' ? value : '').replace(/[^\x20-\x7e]/g, '').slice(0, 64);
}
