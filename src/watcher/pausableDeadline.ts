// The watcher's login deadline, which does not run while a person answers a prompt (a
// passphrase, a new host key): only the machine's time counts against the handshake timeout.

/** A timer that does not run while a person is answering a question. */
export class PausableDeadline {
  private timer: NodeJS.Timeout | undefined;
  private remaining: number;
  private startedAt = 0;
  private paused = 0;

  constructor(ms: number, private readonly onExpire: () => void) {
    this.remaining = ms;
    this.resume();
  }

  pause(): void {
    if (this.paused++ === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.remaining -= Date.now() - this.startedAt;
    }
  }

  resume(): void {
    if (this.paused > 0 && --this.paused > 0) return;
    this.startedAt = Date.now();
    this.timer = setTimeout(this.onExpire, Math.max(0, this.remaining));
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.paused = Number.POSITIVE_INFINITY;
  }
}
