// The guest table in the tmux server's @viewers option, so `guest-broadcast status` in another
// process (which sees only tmux) lists every route's guests, whoever serves them.
import { setMarkers } from '../tmux/broadcastSession';
import { Tmux } from '../tmux/tmux';
import { Guest } from './guests';

/** The least time between two writes of the table to tmux. */
const PUBLISH_GAP_MS = 250;

export class GuestTablePublisher {
  private publishing: Promise<void> = Promise.resolve();
  /** A publish waits to run; it will read the table when it does. */
  private queued = false;
  private lastAt = 0;
  private closed = false;

  constructor(
    private readonly tmux: Tmux,
    private readonly table: () => readonly Guest[],
  ) {}

  /**
   * Writes the current table soon. A burst of changes makes one write, at least PUBLISH_GAP_MS
   * after the last: starting `tmux` stalls this process (which may fan the broadcast out to every
   * guest) for about 6 ms, and only the newest table matters. Writes are queued so an older
   * table never lands after a newer one.
   */
  publish(): Promise<void> {
    if (this.queued) return this.publishing;
    this.queued = true;
    this.publishing = this.publishing
      .then(async () => {
        const wait = this.lastAt + PUBLISH_GAP_MS - Date.now();
        if (wait > 0 && !this.closed) await new Promise((resolve) => setTimeout(resolve, wait));
        this.queued = false;
        this.lastAt = Date.now();
        return setMarkers(this.tmux, { viewers: JSON.stringify(this.table()) });
      })
      .catch(() => undefined); // the tmux server may be gone (stop): nothing left to tell
    return this.publishing;
  }

  /** Publishes the last table at once (no waiting out the gap). */
  flush(): Promise<void> {
    this.closed = true;
    return this.publish();
  }
}
