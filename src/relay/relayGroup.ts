// One group on a relay: the host's size group as this relay sees it. It subscribes ONCE to the
// group's frames (wire/relayProtocol.ts), keeps the screen in the same ScreenModel a host's size
// group keeps, and fans out to its guests with the same GuestFeed (bounded queue, resync by
// snapshot). Guests joining late are given this relay's own snapshot; the host is asked for one
// only when the group starts here or a gap shows in the sequence numbers.
import type { Subscription } from '@nats-io/nats-core';
import type { GroupMember } from '../host/fanout/sizeGroup';
import type { PlacedGroup } from '../host/fanout/groupPlacer';
import type { GuestFeed, SnapshotSource } from '../host/fanout/guestFeed';
import { ScreenModel } from '../host/fanout/screenModel';
import { noticeOverlay } from '../wire/noticeOverlay';
import { decodeFrame, Frame, NO_SUCH_GROUP, subjects } from '../wire/relayProtocol';
import { HOST_DID_NOT_ANSWER, RelayLink } from './relayLink';

/** Frames held while the host's snapshot is on its way, at most (bytes); beyond, asked again. */
const MAX_BUFFERED = 4 * 1024 * 1024;
/** Snapshots asked in a row without getting in step: then the group ends (the host is unwell). */
const MAX_RESYNCS = 5;
const TAIL = 2048;
/**
 * A snapshot the host did not answer (its link is down, or a cluster node it was on just died) is
 * asked again this often, this many times in a row (about a registry TTL): guests keep their
 * screen (and the interrupted notice) meanwhile instead of being sent away.
 */
const UNANSWERED_RETRY_MS = 1_000;
const MAX_UNANSWERED = 30;

type State = 'opening' | 'syncing' | 'live' | 'ended';

export class RelayGroup implements SnapshotSource, PlacedGroup {
  /** The host's id for the group ('' until it answered). */
  id = '';
  cols: number;
  rows: number;
  tail = '';
  private state: State = 'opening';
  private screen: ScreenModel | undefined;
  private sub: Subscription | undefined;
  /** The sequence number of the last frame in the screen. */
  private seq = 0;
  private curtain: 'up' | 'down' = 'up';
  private buffered: Frame[] = [];
  private bufferedBytes = 0;
  private resyncs = 0;
  private unanswered = 0;
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

  /** Asks the host for the group, subscribes to its frames and gets in step. `onNotice`: the host gave another size. */
  async open(onNotice: (notice: string) => void): Promise<void> {
    const reply = await this.link.open(this.cols, this.rows, this.term);
    if (this.state === 'ended') return;
    if (!reply.ok) return this.end(1, `Guest Broadcast: the host cannot be watched through this relay right now (${reply.error}).`);
    this.id = reply.group;
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
  }

  /**
   * The link is back: frames may have been lost meanwhile, and the guests' screens carry the
   * notice. The host's screen (step 4: no gap, no repeat) redraws every guest's screen as it is now.
   */
  recover(): void {
    this.notice = undefined;
    if (this.state !== 'live' && this.state !== 'syncing') return; // opening: its answer starts it; ended: nothing to do
    this.resync();
    for (const member of this.members) member.feed.start(this, false);
  }

  /** The host no longer has this group (its leases lapsed while a link was down): asks for it again, same size. */
  reopen(): void {
    if (this.state === 'ended') return;
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
    member.feed.stop();
    if (this.members.size === 0) this.close();
  }

  requestSnapshot(feed: GuestFeed, generation: number): void {
    if (this.state !== 'live' || !this.screen) {
      this.waiting.push([feed, generation]);
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
    this.sub?.unsubscribe();
    const members = [...this.members];
    this.members.clear();
    const finish = (): void => {
      const last = this.screen?.snapshot();
      for (const member of members) {
        if (last !== undefined && member.feed.state !== 'live') member.feed.write(last);
        if (message) member.feed.write(`\r\n${message}\r\n`);
        member.feed.stop();
        member.onGroupExit(code, this.tail + (message ?? ''));
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
    this.state = 'syncing';
    void this.link.snapshot(this.id).then((reply) => {
      if (this.state !== 'syncing') return;
      if (!reply.ok && reply.error === HOST_DID_NOT_ANSWER && ++this.unanswered <= MAX_UNANSWERED) {
        this.resyncs--; // not out of step: unanswered
        const retry = setTimeout(() => this.state === 'syncing' && this.resync(), UNANSWERED_RETRY_MS);
        retry.unref();
        return;
      }
      if (!reply.ok && reply.error === NO_SUCH_GROUP) return this.reopen();
      if (!reply.ok) return this.end(1, `Guest Broadcast: the host's screen cannot be had through this relay (${reply.error}).`);
      this.unanswered = 0;
      this.screen?.write(reply.screen);
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

  private serveWaiting(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const [feed, generation] of waiting) this.requestSnapshot(feed, generation);
  }

  private close(): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.sub?.unsubscribe();
    // Disposed once what was written is parsed: a snapshot asked for just before sees the state first.
    const screen = this.screen;
    screen?.whenParsed(() => screen.dispose());
    this.onEmpty(this);
  }
}
