// One group on a relay: the host's size group as this relay sees it. It subscribes ONCE to the
// group's frames (wire/relayProtocol.ts), keeps the screen in the same ScreenModel a host's size
// group keeps, and fans out to its guests with the same GuestFeed (bounded queue, resync by
// snapshot). Guests joining late are given this relay's own snapshot; the host is asked for one
// only when the group starts here or a gap shows in the sequence numbers. A request the host did
// not answer (its link is down) is asked again (hostRetry.ts); meanwhile guests waiting for the
// screen are shown the one this relay has (blank for a group that just started) under the
// interrupted notice, as the guests already there are.
import type { Subscription } from '@nats-io/nats-core';
import type { GroupMember } from '../host/fanout/sizeGroup';
import type { PlacedGroup } from '../host/fanout/groupPlacer';
import type { GuestFeed, SnapshotSource } from '../host/fanout/guestFeed';
import { ScreenModel } from '../host/fanout/screenModel';
import { noticeOverlay, noticeScreen } from '../wire/noticeOverlay';
import { decodeFrame, Frame, HOST_NOT_ANSWERING_MESSAGE, NO_SUCH_GROUP, subjects } from '../wire/relayProtocol';
import { RESET_AS_TMUX_DETACH } from '../wire/terminalReset';
import { HostRetry } from './hostRetry';
import type { RelayLink } from './relayLink';

/** Frames held while the host's snapshot is on its way, at most (bytes); beyond, asked again. */
const MAX_BUFFERED = 4 * 1024 * 1024;
/** Snapshots asked in a row without getting in step: then the group ends (the host is unwell). */
const MAX_RESYNCS = 5;
const TAIL = 2048;

type State = 'opening' | 'syncing' | 'live' | 'ended';

export class RelayGroup implements SnapshotSource, PlacedGroup {
  /** The host's id for the group ('' until it answered). */
  id = '';
  cols: number;
  rows: number;
  tail = '';
  private state: State = 'opening';
  private screen: ScreenModel | undefined;
  /** The screen has had the host's snapshot (it is the host's screen, maybe not the latest). */
  private synced = false;
  private sub: Subscription | undefined;
  /** The sequence number of the last frame in the screen. */
  private seq = 0;
  private curtain: 'up' | 'down' = 'up';
  private buffered: Frame[] = [];
  private bufferedBytes = 0;
  private resyncs = 0;
  /** Asking the host again when it did not answer (the group's open, then its snapshots: one at a time). */
  private readonly retry = new HostRetry();
  /** The snapshot request whose answer counts (an older one's is ignored). */
  private asked = 0;
  private readonly members = new Set<GroupMember>();
  /** Snapshot requests of guests made while the group was not in step. */
  private waiting: Array<[GuestFeed, number]> = [];
  /** Frames received (tests: one subscription's worth however many guests). */
  framesReceived = 0;
  /**
   * Sequence numbers of the first and last frame received: frames the host published before this
   * relay's subscription took effect are in the snapshot instead, so a relay receives
   * last - first + 1 frames, each once.
   */
  firstFrameSeq = 0;
  lastFrameSeq = 0;
  /** The line drawn over guests' screens while the host's link is interrupted (undefined: none). */
  private notice: string | undefined;

  constructor(
    private readonly link: RelayLink,
    cols: number,
    rows: number,
    readonly term: string,
    private readonly onEmpty: (group: RelayGroup) => void,
  ) {
    this.cols = cols;
    this.rows = rows;
  }

  get running(): boolean {
    return this.state !== 'ended';
  }

  get size(): number {
    return this.members.size;
  }

  /**
   * Asks the host for the group, subscribes to its frames and gets in step. `onNotice`: the host
   * gave another size. A host that does not answer is asked again (hostRetry.ts), one that
   * answers with an error ends the group with it.
   */
  async open(onNotice: (notice: string) => void): Promise<void> {
    if (this.state !== 'opening') return;
    const reply = await this.link.open(this.cols, this.rows, this.term);
    if (this.state !== 'opening') return;
    if (!reply.ok) {
      if (this.retry.retry(reply.error, () => void this.open(onNotice))) {
        // No interruption to show (the host may still beat: overloaded, or a NATS user whose
        // answers cannot come back): guests read why their screen is blank meanwhile.
        if (!this.notice) {
          this.notice = HOST_NOT_ANSWERING_MESSAGE;
          for (const [feed, generation] of this.waiting) this.showWhileWaiting(feed, generation);
        }
        return;
      }
      return this.end(1, `Guest Broadcast: the host cannot be watched through this relay right now (${reply.error}).`);
    }
    this.retry.answered();
    if (this.notice === HOST_NOT_ANSWERING_MESSAGE) this.notice = undefined;
    this.id = reply.group;
    if (reply.cols !== this.cols || reply.rows !== this.rows) {
      // Another size than the screen kept so far (a reopened group's): disposed once parsed, as in close().
      const old = this.screen;
      old?.whenParsed(() => old.dispose());
      this.screen = undefined;
      this.synced = false;
    }
    this.cols = reply.cols;
    this.rows = reply.rows;
    if (reply.notice) onNotice(reply.notice);
    this.screen ??= new ScreenModel(this.cols, this.rows);
    this.sub = this.link.subscribe(subjects.group(this.link.broadcastId, this.id), (data) => this.onData(data));
    this.resync();
  }

  /**
   * The host's link (or this relay's) is interrupted: guests keep their connection and their
   * screen, with `message` drawn over its last rows (noticeOverlay), also for guests joining meanwhile.
   */
  interrupt(message: string): void {
    if (this.state === 'ended') return;
    this.notice = message;
    for (const member of this.members) if (member.feed.state === 'live') member.feed.write(noticeOverlay(message, this.cols, this.rows));
    for (const [feed, generation] of this.waiting) this.showWhileWaiting(feed, generation);
  }

  /**
   * The link is back: frames may have been lost meanwhile, and the guests' screens carry the
   * notice. The host's screen (step 4: no gap, no repeat) redraws every guest's screen as it is now.
   */
  recover(): void {
    this.notice = undefined;
    // Opening: its answer starts it (a retry waiting for its time asks now); ended: nothing to do.
    if (this.state === 'opening') return this.retry.hurry();
    if (this.state !== 'live' && this.state !== 'syncing') return;
    this.resync();
    for (const member of this.members) member.feed.start(this, false);
  }

  /** The host no longer has this group (its leases lapsed while a link was down): asks for it again, same size. */
  reopen(): void {
    if (this.state === 'ended' || this.state === 'opening') return; // opening: already asked for
    this.retry.answered(); // the host answered (it no longer has the group): a new series
    this.state = 'opening';
    this.sub?.unsubscribe();
    this.sub = undefined;
    // The new group numbers its frames afresh: nothing held of the old one may be applied.
    this.buffered = [];
    this.bufferedBytes = 0;
    this.seq = 0;
    this.framesReceived = this.firstFrameSeq = this.lastFrameSeq = 0;
    for (const member of this.members) member.feed.start(this, false);
    void this.open(() => undefined);
  }

  add(member: GroupMember): void {
    this.members.add(member);
    member.feed.start(this, false);
  }

  remove(member: GroupMember): void {
    if (!this.members.delete(member)) return;
    this.waiting = this.waiting.filter(([feed]) => feed !== member.feed);
    member.feed.stop();
    if (this.members.size === 0) this.close();
  }

  requestSnapshot(feed: GuestFeed, generation: number): void {
    if (this.state !== 'live' || !this.screen) {
      this.waiting.push([feed, generation]);
      this.showWhileWaiting(feed, generation);
      return;
    }
    // As a host's size group does: taken once the model has parsed exactly what was pushed
    // before this call; what comes after is in the feed's queue.
    const screen = this.screen;
    const curtain = this.curtain;
    screen.whenParsed(() => {
      // The group may have closed meanwhile (its last guest left): its screen is gone.
      if (this.state === 'ended') return;
      feed.deliverSnapshot(generation, screen.snapshot(), curtain);
      // Joined (or resynchronised) while the host is away: the notice too.
      if (this.notice && feed.state === 'live' && feed.generation === generation) feed.write(noticeOverlay(this.notice, this.cols, this.rows));
    });
  }

  /** The host lost the group, or the broadcast ended, before an end frame came. */
  end(code: number, message?: string): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.retry.cancel();
    this.sub?.unsubscribe();
    const members = [...this.members];
    this.members.clear();
    const finish = (): void => {
      const last = this.screen?.snapshot();
      for (const member of members) {
        if (last !== undefined && member.feed.state !== 'live') member.feed.write(last);
        // Off tmux's alternate screen first, as a detach does: written on it, the line would be
        // wiped when the guest's terminal leaves it.
        if (message) member.feed.write(`${RESET_AS_TMUX_DETACH}\r\n${message}\r\n`);
        member.feed.stop();
        member.onGroupExit(code, this.tail + (message ?? ''), message);
      }
      this.screen?.dispose();
      this.onEmpty(this);
    };
    if (this.screen) this.screen.whenParsed(finish);
    else finish();
  }

  private onData(data: Uint8Array): void {
    const frame = decodeFrame(data);
    if (!frame || this.state === 'ended') return;
    this.framesReceived++;
    if (this.firstFrameSeq === 0) this.firstFrameSeq = frame.seq;
    this.lastFrameSeq = frame.seq;
    if (this.state === 'syncing') {
      this.buffered.push(frame);
      this.bufferedBytes += frame.payload.length;
      if (this.bufferedBytes > MAX_BUFFERED) {
        this.buffered = [];
        this.bufferedBytes = 0;
      }
      return;
    }
    if (this.state !== 'live') return;
    if (frame.seq <= this.seq) return; // already in the screen
    if (frame.seq !== this.seq + 1) {
      // A gap: everyone here is resynchronised from the host's screen (their requests wait
      // until the group is in step again).
      this.resync();
      for (const member of this.members) member.feed.start(this, false);
      this.buffered.push(frame);
      this.bufferedBytes += frame.payload.length;
      return;
    }
    this.apply(frame);
  }

  private apply(frame: Frame): void {
    this.seq = frame.seq;
    switch (frame.kind) {
      case 'bytes': {
        const text = frame.payload.toString('utf8');
        this.screen?.write(text);
        this.tail = (this.tail + text).slice(-TAIL);
        for (const member of this.members) member.feed.push(frame.payload);
        return;
      }
      case 'curtain-down':
      case 'curtain-up': {
        const curtain = frame.kind === 'curtain-down' ? 'down' : 'up';
        this.curtain = curtain;
        for (const member of this.members) member.feed.mark({ curtain });
        return;
      }
      case 'end':
        this.end(Number(frame.payload.toString()) || 0);
        return;
    }
  }

  /** Gets in step from the host's screen: frames up to its `seq` are in it, later ones applied. */
  private resync(): void {
    if (++this.resyncs > MAX_RESYNCS) return this.end(1, 'Guest Broadcast: this relay cannot keep in step with the host.');
    this.retry.cancel(); // this request replaces one waiting to be asked again
    this.state = 'syncing';
    const ask = ++this.asked;
    void this.link.snapshot(this.id).then((reply) => {
      if (this.state !== 'syncing' || ask !== this.asked) return;
      if (!reply.ok && reply.error === NO_SUCH_GROUP) return this.reopen();
      if (!reply.ok) {
        const again = (): void => {
          if (this.state !== 'syncing') return;
          this.resyncs--; // not out of step: unanswered
          this.resync();
        };
        if (this.retry.retry(reply.error, again)) return;
        return this.end(1, `Guest Broadcast: the host's screen cannot be had through this relay (${reply.error}).`);
      }
      this.retry.answered();
      this.screen?.write(reply.screen);
      this.synced = true;
      this.seq = reply.seq;
      this.curtain = reply.curtain;
      const later = this.buffered.filter((f) => f.seq > reply.seq).sort((a, b) => a.seq - b.seq);
      this.buffered = [];
      this.bufferedBytes = 0;
      this.state = 'live';
      // Guests waiting get the screen at THIS point (snapshot applied, later frames not yet):
      // the later frames then reach their queues, not the screen they are sent.
      this.serveWaiting();
      for (const frame of later) {
        if (frame.seq !== this.seq + 1) return this.gapWhileApplying(later.filter((f) => f.seq > this.seq));
        this.apply(frame);
        if (this.state !== 'live') return;
      }
      this.resyncs = 0;
    });
  }

  private gapWhileApplying(rest: Frame[]): void {
    this.resync();
    this.buffered.push(...rest);
  }

  /**
   * While the host's link is interrupted, a guest waiting for the host's screen (joined, resized,
   * or resynchronised) is shown the last screen this relay had of the group (a blank one for a
   * group the host has not opened yet) with the notice, as the guests already watching read it.
   * Its request stays waiting: the host's screen replaces this once the group is in step.
   */
  private showWhileWaiting(feed: GuestFeed, generation: number): void {
    const notice = this.notice;
    if (!notice || this.state === 'ended') return;
    // Only a feed still waiting for this very request (it may have left for another group since).
    if (feed.state !== 'syncing' || feed.generation !== generation) return;
    const screen = this.synced ? this.screen : undefined;
    if (!screen) return feed.write(noticeScreen(notice, this.cols, this.rows));
    screen.whenParsed(() => {
      if (this.state === 'ended' || this.screen !== screen || this.notice !== notice || feed.state !== 'syncing' || feed.generation !== generation) return;
      feed.write(screen.snapshot() + noticeOverlay(notice, this.cols, this.rows));
    });
  }

  private serveWaiting(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const [feed, generation] of waiting) this.requestSnapshot(feed, generation);
  }

  private close(): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.retry.cancel();
    this.sub?.unsubscribe();
    // Disposed once what was written is parsed: a snapshot asked for just before sees the state first.
    const screen = this.screen;
    screen?.whenParsed(() => screen.dispose());
    this.onEmpty(this);
  }
}
