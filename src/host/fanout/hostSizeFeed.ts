// The host's terminal size (the host's read-write tmux client, status line included; see
// src/tmux/hostSize.ts), for everything that follows it: the embedded server's watchers (their
// host-size channel, src/wire/hostSize.ts), the browser route's pages and live stream, and the
// recording. ONE feed per broadcast (hostSizeFor): it asks tmux once a second, only while someone
// listens, and tells listeners when the size changes. Starting tmux costs this process (which
// fans out to every guest), so never more often than that, and never once per user of the size.
import { readHostSize } from '../../tmux/hostSize';
import { Tmux } from '../../tmux/tmux';
import type { TerminalSize } from '../../wire/hostSize';
import { sharedPart } from '../routes/broadcastShared';
import type { RouteContext } from '../routes/route';

const POLL_MS = 1000;
const HOST_SIZE_PART = 'host-size';

/** What a user of the host's size needs: the size now (when known) and every change. */
export interface HostSizeSource {
  /** Calls `listener` with the current size (at once when known) and every change; returns the unsubscribe. */
  subscribe(listener: (size: TerminalSize) => void): () => void;
}

export class HostSizeFeed implements HostSizeSource {
  private readonly listeners = new Set<(size: TerminalSize) => void>();
  private last: TerminalSize | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(private readonly tmux: Tmux, private readonly pollMs = POLL_MS) {}

  subscribe(listener: (size: TerminalSize) => void): () => void {
    this.listeners.add(listener);
    if (this.last) listener(this.last);
    if (!this.timer && !this.polling) void this.poll();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /**
   * A share of this feed for one user (a route, the recording): its stop() ends only the
   * subscriptions made through it, so one route closing never silences the others.
   */
  scope(): HostSizeScope {
    return new HostSizeScope(this);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
    this.last = undefined; // it may change while nobody listens
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    if (this.listeners.size === 0) return;
    this.polling = true;
    const size = await readHostSize(this.tmux).catch(() => undefined);
    this.polling = false;
    if (this.listeners.size === 0) return;
    if (size && (size.cols !== this.last?.cols || size.rows !== this.last?.rows)) {
      this.last = size;
      for (const listener of [...this.listeners]) listener(size);
    }
    this.timer = setTimeout(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }
}

/** One user's subscriptions to the shared feed, ended together by stop(). */
export class HostSizeScope implements HostSizeSource {
  private readonly unsubscribes = new Set<() => void>();
  private stopped = false;

  constructor(private readonly feed: HostSizeSource) {}

  subscribe(listener: (size: TerminalSize) => void): () => void {
    if (this.stopped) return () => undefined;
    let unsubscribe: (() => void) | undefined;
    let dropped = false;
    const drop = (): void => {
      if (dropped) return;
      dropped = true;
      this.unsubscribes.delete(drop);
      unsubscribe?.();
    };
    this.unsubscribes.add(drop);
    unsubscribe = this.feed.subscribe(listener);
    // The listener, called at once by subscribe(), may have dropped it already.
    if (dropped) unsubscribe();
    return drop;
  }

  stop(): void {
    this.stopped = true;
    for (const drop of [...this.unsubscribes]) drop();
  }
}

/** The broadcast's one host-size feed, made on first use. */
export function hostSizeFor(context: RouteContext): HostSizeFeed {
  return sharedPart(context, HOST_SIZE_PART, () => new HostSizeFeed(context.tmux));
}
