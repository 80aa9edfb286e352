// The viewers of one terminal size (and TERM): ONE read-only tmux client (guestAttachArgv, in a
// node-pty of that size) whose output is fanned out to all of them, so tmux renders once per
// size, not once per viewer. The group's screen is kept in a ScreenModel for viewers who join
// late or fall behind. The tmux client is never paused for a viewer: a slow one is dropped and
// resynchronised by its own GuestFeed.
//
// Nothing flows from guests to the tmux client: a group holds a ReadOnlyTerminal, which cannot
// write (readOnlyTerminal.ts).
import { kickClient, listClients } from '../../tmux/clients';
import { GuestOutputFilter } from '../guestOutputFilter';
import { curtainAfter, hasCurtainMark, splitCurtainMarks, StreamMark } from '../curtain/curtainMarks';
import { OutputPacer } from './outputPacer';
import { ScreenModel } from './screenModel';
import { ReadOnlyClientSpec, ReadOnlyTerminal, spawnReadOnlyClient } from './readOnlyTerminal';
import { SnapshotSource, GuestFeed } from './guestFeed';

/** A group is one read-only client's size, TERM and session. */
export type SizeGroupOptions = ReadOnlyClientSpec;

/** What a group tells a member when its tmux client is gone (stop, the session ended). */
export interface GroupMember {
  feed: GuestFeed;
  /**
   * `reason`: the line the group ended with when it is not the broadcast's end (a relay that lost
   * its group: "the host cannot be watched through this relay right now (…)"), for the member's
   * last word instead of "the broadcast has ended".
   */
  onGroupExit(code: number, tail: string, reason?: string): void;
}

// Enough of the last output to tell whether a farewell already reached the viewers.
const TAIL = 2048;

export class SizeGroup implements SnapshotSource {
  readonly key: string;
  readonly cols: number;
  readonly rows: number;
  readonly term: string;
  private readonly client: ReadOnlyTerminal;
  private readonly screen: ScreenModel;
  /** Passes the client's output on at once, or in frames while the session floods. */
  private readonly pacer = new OutputPacer(
    (data) => this.fanOut(data),
    (data, done) => this.fanOutFrame(data, done),
  );
  /**
   * Clipboard, title and passthrough sequences never leave toward guests (guestOutputFilter.ts).
   * The curtain's marks are kept for sendAll, which turns them into marks for the members.
   */
  private readonly guestFilter = new GuestOutputFilter(true);
  /** The curtain is down at the end of what the screen model has been given (take). */
  private curtainAtModel = false;
  private readonly members = new Set<GroupMember>();
  private sentAnything = false;
  private exited = false;
  private readonly exitWaiters: Array<() => void> = [];
  tail = '';
  /** Frames of a flood sent as the screen they leave (fanOutFrame), for tests and benchmarks. */
  snapshotFrames = 0;
  /** A frame is in the screen model and waits for its parse to be sent (fanOutFrame). */
  private rendering = false;
  /** A snapshot was requested while `rendering`. */
  private snapshotAsked = false;
  /** Snapshot requests at the current end of the stream, answered together. */
  private waiting: Array<[GuestFeed, number]> | undefined;

  constructor(
    private readonly options: SizeGroupOptions,
    private readonly onEmpty: (group: SizeGroup) => void,
  ) {
    this.cols = options.cols;
    this.rows = options.rows;
    this.term = options.term;
    this.key = SizeGroup.keyOf(options.cols, options.rows, options.term);
    this.screen = new ScreenModel(options.cols, options.rows);
    this.client = spawnReadOnlyClient(options);
    // Filtered before anything else sees it: the screen model, snapshots and every viewer get the same safe stream.
    this.client.onData((data) => {
      const safe = this.guestFilter.push(data);
      if (safe) this.pacer.push(safe);
    });
    this.client.onExit((exitCode) => this.onExit(exitCode));
  }

  static keyOf(cols: number, rows: number, term: string): string {
    return `${cols}x${rows} ${term}`;
  }

  get size(): number {
    return this.members.size;
  }

  get running(): boolean {
    return !this.exited;
  }

  get pid(): number {
    return this.client.pid;
  }

  /** Adds a viewer: live from the first byte if the client has drawn nothing yet, else from a snapshot. */
  add(member: GroupMember, holdMs = 0): void {
    this.members.add(member);
    if (holdMs > 0) member.feed.startAfter(this, holdMs);
    else member.feed.start(this, !this.sentAnything);
  }

  /** Removes a viewer; the last one out ends the group's tmux client. */
  remove(member: GroupMember): void {
    if (!this.members.delete(member)) return;
    member.feed.stop();
    if (this.members.size === 0) {
      this.kill();
      this.onEmpty(this);
    }
  }

  requestSnapshot(feed: GuestFeed, generation: number): void {
    // The snapshot is taken when the model has parsed exactly the bytes fanned out before this
    // call; everything after it is already in the feed's queue: no gap, no byte twice. Requests
    // at the same point of the stream (a burst of joins) share one snapshot.
    if (this.rendering) this.snapshotAsked = true;
    if (this.waiting) {
      this.waiting.push([feed, generation]);
      return;
    }
    const waiting: Array<[GuestFeed, number]> = [[feed, generation]];
    this.waiting = waiting;
    // The model's side of the curtain now is the snapshot's: it is taken after exactly these bytes.
    const curtain = this.curtainAtModel ? 'down' : 'up';
    this.screen.whenParsed(() => {
      if (this.waiting === waiting) this.waiting = undefined;
      const snapshot = this.screen.snapshot();
      for (const [f, g] of waiting) f.deliverSnapshot(g, snapshot, curtain);
    });
  }

  /** Output as it comes (the pacer's immediate path). */
  private fanOut(data: string): void {
    this.take(data);
    this.sendAll(data, data);
  }

  /**
   * A frame of a flood. tmux's output during a flood is mostly lines drawn and scrolled away
   * within the frame: when it outweighs the screen it leaves, the viewers are sent that screen
   * instead (a snapshot, as a late joiner gets), which is all they could have seen of it.
   */
  private fanOutFrame(data: string, done: () => void): void {
    this.take(data);
    // Under one character per cell the frame is sent as it is, without waiting for the parse.
    if (data.length < this.cols * this.rows) {
      this.sendAll(data, data);
      done();
      return;
    }
    this.rendering = true;
    this.screen.whenParsed(() => {
      const snapshot = this.screen.snapshot();
      // A snapshot asked for meanwhile is taken after this frame (its callback comes after this
      // one), and the feed replays its queue on top of it: the frame must reach that queue as
      // this same screen, or its bytes would be applied twice. A screen on the same screen is no change.
      if (this.snapshotAsked || snapshot.length < data.length) {
        this.snapshotFrames++;
        this.sendAll(snapshot, data);
      } else {
        this.sendAll(data, data);
      }
      this.rendering = false;
      this.snapshotAsked = false;
      done();
    });
  }

  /** Output into the group's screen: snapshots from here on include it. */
  private take(data: string): void {
    this.sentAnything = true;
    // Later snapshot requests are at a later point of the stream.
    this.waiting = undefined;
    if (hasCurtainMark(data)) this.curtainAtModel = curtainAfter(data, this.curtainAtModel);
    this.screen.write(data);
  }

  /** Whether the curtain is down at the current end of the group's stream. */
  get curtained(): boolean {
    return this.curtainAtModel;
  }

  /** Sends every member `data`: the output `raw`, or the screen it leaves. */
  private sendAll(data: string, raw: string): void {
    // Only what was sent counts as seen (GuestView.end reads the tail for a farewell).
    this.tail = (this.tail + raw).slice(-TAIL);
    if (hasCurtainMark(raw)) {
      this.sendMarked(data, raw);
      return;
    }
    this.sendBytes(data);
  }

  /**
   * Output with the curtain's marks in it: the marks go to the members as marks, in place, and
   * never as bytes. When a frame was replaced by the screen it leaves, its marks come first (the
   * screen is the one after them).
   */
  private sendMarked(data: string, raw: string): void {
    // A snapshot (the screen model's serialisation) never holds a mark.
    const parts = data === raw ? splitCurtainMarks(raw) : [...splitCurtainMarks(raw).filter((p) => typeof p !== 'string'), data];
    for (const part of parts) {
      if (typeof part === 'string') this.sendBytes(part);
      else this.sendMark(part);
    }
  }

  private sendBytes(data: string): void {
    // Encoded once for every viewer.
    const bytes = Buffer.from(data, 'utf8');
    for (const member of this.members) member.feed.push(bytes);
  }

  private sendMark(mark: StreamMark): void {
    for (const member of this.members) member.feed.mark(mark);
  }

  private onExit(code: number): void {
    // The output still gathered or being rendered for a frame (a farewell among it) goes out
    // first; only then does the group count as ended, for those waiting on it. Then viewers that
    // were behind get the last screen (a farewell printed by tmux's -E command included) before
    // they are told the view ended.
    this.pacer.flush(() => {
      this.exited = true;
      for (const wake of this.exitWaiters.splice(0)) wake();
      this.screen.whenParsed(() => {
        const last = this.screen.snapshot();
        for (const member of [...this.members]) {
          if (member.feed.state !== 'live') member.feed.write(last);
          member.feed.stop();
          member.onGroupExit(code, this.tail);
        }
        this.members.clear();
        this.screen.dispose();
        this.onEmpty(this);
      });
    });
  }

  private kill(): void {
    if (this.exited) return;
    try {
      // A locked client (behind the curtain) acts on no signal until it is unlocked.
      this.client.kill(this.curtainAtModel ? 'SIGKILL' : undefined);
    } catch {
      // already gone
    }
  }

  private waitForExit(timeoutMs: number): Promise<boolean> {
    if (this.exited) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.exited), timeoutMs);
      this.exitWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /**
   * Ends the group's view with a one-line message for all its viewers at once: tmux detaches the
   * client and runs the farewell in it (restoring the terminal first), and the output reaches
   * every viewer like any other. Only if that fails is the client killed.
   */
  async end(message: string): Promise<void> {
    if (this.exited) return;
    if (this.curtainAtModel) {
      // Behind the curtain tmux has locked the client: it would take the farewell only once the
      // curtain lifts. It ends here instead, and each member says the farewell itself.
      this.kill();
      await this.waitForExit(2000);
      return;
    }
    const client = (await listClients(this.options.tmux).catch(() => [])).find((c) => c.pid === this.client.pid);
    if (client) await kickClient(this.options.tmux, client.name, message).catch(() => undefined);
    if (!(await this.waitForExit(client ? 2000 : 1000))) {
      this.kill();
      await this.waitForExit(1000);
    }
  }
}
