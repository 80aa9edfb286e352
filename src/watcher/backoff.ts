// When to try again after a lost connection: about 1 s, doubling up to 30 s, each delay moved
// by up to ±20 % at random so that many viewers of one host do not all knock at once when it
// comes back.

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** 0.2 means ±20 %. */
  jitter?: number;
  /** Injected for tests; Math.random otherwise. */
  random?: () => number;
}

export const DEFAULT_BACKOFF = { initialMs: 1000, maxMs: 30_000, factor: 2, jitter: 0.2 } as const;

/** The delay before retry number `attempt` (0 = the first retry). Never above maxMs. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? DEFAULT_BACKOFF.initialMs;
  const max = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const factor = options.factor ?? DEFAULT_BACKOFF.factor;
  const jitter = options.jitter ?? DEFAULT_BACKOFF.jitter;
  const random = options.random ?? Math.random;
  const base = Math.min(max, initial * Math.pow(factor, Math.max(0, Math.min(attempt, 60))));
  const spread = base * jitter * (2 * random() - 1);
  return Math.round(Math.max(0, Math.min(max, base + spread)));
}
