// When a relay asks the host again: the one rule for every request a relay group makes (its
// group, P.open; the host's screen, P.snap).
//
// A request NOBODY ANSWERED (NATS says no responders: the host's subscriptions went with its
// link; or no answer in time: the host's link, or this relay's, is down or moving to another
// cluster node) says nothing about the host's will: it is asked again, with a backoff, while the
// group's guests stay connected and read the interrupted notice. An ANSWER that is an error (the
// host is there and refuses: its cap on relay groups, a request it does not accept) is final and
// shown to the guests at once.
//
// Bounded: a series of unanswered requests ends after GIVE_UP_AFTER_MS (or MAX_TRIES), longer
// than a host's registry entry outlives its link, so a host that is gone is normally found so
// first (RelayBroadcast asks the registry and tells guests the broadcast ended). A group that
// ends (that, the host's end, the relay stopping, its last guest leaving) cancels its retry.
import { realTimers, Timers } from '../timers';
import { backoffDelay } from '../watcher/backoff';
import { REGISTRY_TTL_MS } from '../wire/relayProtocol';

/** A request's error when no host answered (its link may be down): worth asking again. */
export const HOST_DID_NOT_ANSWER = 'the host did not answer (its connection may be down, or the broadcast ended)';

/** The first retry comes after about this (±20 %), doubling up to RETRY_MAX_MS. */
export const RETRY_INITIAL_MS = 500;
export const RETRY_MAX_MS = 5_000;
/**
 * Unanswered for this long in a row (from the first failure of the series): given up. Twice the
 * registry's TTL: the relay asks the registry whether the host lapsed from REGISTRY_TTL_MS after
 * its last heartbeat on (relayBroadcast.ts), which ends the group first with the right words.
 */
export const GIVE_UP_AFTER_MS = 2 * REGISTRY_TTL_MS;
/** And at most this many retries in a series, however fast the requests fail. */
export const MAX_TRIES = 40;

/** The error a failed request reads as: HOST_DID_NOT_ANSWER when nobody answered, else NATS's own words. */
export function requestError(error: unknown): string {
  const why = error instanceof Error ? error.message : String(error);
  // nats.js: TimeoutError ("timeout"), NoRespondersError / RequestError ("no responders: '<subject>'").
  return /timeout|no responders/i.test(why) ? HOST_DID_NOT_ANSWER : why;
}

/** Whether a request that failed with `error` (as requestError or the host's answer gives it) is worth asking again. */
export function isUnanswered(error: string): boolean {
  return error === HOST_DID_NOT_ANSWER;
}

export class HostRetry {
  private tries = 0;
  /** When the current series of unanswered requests began (undefined: the last one was answered). */
  private since: number | undefined;
  private pending: { handle: unknown; again: () => void } | undefined;

  constructor(
    private readonly timers: Timers = realTimers,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * A request failed with `error`: `again` is scheduled (true), or not (false: the host answered
   * with an error, or has not answered for too long), and the caller shows `error` to its guests.
   */
  retry(error: string, again: () => void): boolean {
    this.cancel();
    if (!isUnanswered(error)) return false;
    const now = this.timers.now();
    this.since ??= now;
    if (now - this.since >= GIVE_UP_AFTER_MS || this.tries >= MAX_TRIES) return false;
    const delay = backoffDelay(this.tries++, { initialMs: RETRY_INITIAL_MS, maxMs: RETRY_MAX_MS, random: this.random });
    const handle = this.timers.setTimeout(() => {
      this.pending = undefined;
      again();
    }, delay);
    // A retry never keeps a stopping relay's process alive.
    (handle as { unref?: () => void }).unref?.();
    this.pending = { handle, again };
    return true;
  }

  /** The host answered: the next failure starts a new series. */
  answered(): void {
    this.cancel();
    this.tries = 0;
    this.since = undefined;
  }

  /** The host is heard again: a retry that is waiting asks now (no need to sit out the backoff). */
  hurry(): void {
    const pending = this.pending;
    if (!pending) return;
    this.cancel();
    pending.again();
  }

  /** A retry is waiting for its time. */
  get waiting(): boolean {
    return this.pending !== undefined;
  }

  /** Nothing more is asked (the group ended, or asks afresh itself). */
  cancel(): void {
    if (this.pending) this.timers.clearTimeout(this.pending.handle);
    this.pending = undefined;
  }
}
