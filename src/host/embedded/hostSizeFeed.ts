// The host's terminal size for the embedded server's watchers (see src/wire/hostSize.ts): asks
// tmux once a second, only while someone listens, and tells listeners when it changes. One poll
// serves every watcher; starting tmux costs this process (which fans out to every guest), so
// never more often than that.
import { readHostSize } from '../../tmux/hostSize';
import { Tmux } from '../../tmux/tmux';
import type { TerminalSize } from '../../wire/hostSize';

const POLL_MS = 1000;

export class HostSizeFeed {
  private readonly listeners = new Set<(size: TerminalSize) => void>();
  private last: TerminalSize | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(private readonly tmux: Tmux, private readonly pollMs = POLL_MS) {}

  /** Calls `listener` with the current size (at once when known) and every change; returns the unsubscribe. */
  subscribe(listener: (size: TerminalSize) => void): () => void {
    this.listeners.add(listener);
    if (this.last) listener(this.last);
    if (!this.timer && !this.polling) void this.poll();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
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
