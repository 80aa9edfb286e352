// One guest's view: a member of the size group for its terminal size, which owns the read-only
// tmux client (guestAttachArgv) and fans its output out; this guest's bytes flow through its own
// GuestFeed to its SSH channel.
//
// THE READ-ONLY GUARANTEE ON THE SERVER SIDE LIVES HERE: nothing a guest sends on its channel
// is ever written anywhere. The channel's input is read (so SSH flow control keeps moving) and
// dropped; neither this class nor its group has a path from a channel to the pty at all. tmux's
// `attach -r` is the second, independent guard.
import type { ServerChannel } from 'ssh2';
import type { GroupMember } from '../fanout/sizeGroup';
import type { GroupPlacer, PlacedGroup } from '../fanout/groupPlacer';
import { clampSize } from '../guestWindow';
import { guestTerm } from '../fanout/terminal';
import { Corkable, GuestFeed } from '../fanout/guestFeed';
// A kicked guest's terminal gets what tmux would send on detach from here, since the group's
// tmux client stays for the others.
import { RESET_AS_TMUX_DETACH } from '../../wire/terminalReset';

/** What a guest is told when no tmux client can be started for its view (node-pty missing or broken). */
export function cannotShow(error: unknown): string {
  const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return `\r\nGuest Broadcast: the host cannot show the broadcast right now (${reason}).\r\n`;
}

export class GuestView implements GroupMember {
  readonly feed: GuestFeed;
  readonly term: string;
  cols: number;
  rows: number;
  private group: PlacedGroup | undefined;
  private ended = false;
  /** The group's last output when its tmux client ended. */
  private exitTail = '';
  /** Why the group ended, when it was not the broadcast's end (see GroupMember.onGroupExit). */
  exitReason: string | undefined;

  constructor(
    private readonly channel: ServerChannel,
    private readonly groups: GroupPlacer,
    options: { term: string | undefined; cols: number; rows: number; socket?: Corkable },
    private readonly onExit: (code: number) => void,
  ) {
    const size = clampSize(options.cols, options.rows);
    this.cols = size.cols;
    this.rows = size.rows;
    this.term = guestTerm(options.term);
    this.feed = new GuestFeed(channel, options.socket);

    // Guest input: read and dropped. See the header comment.
    channel.on('data', () => undefined);

    this.join();
  }

  private join(): void {
    this.group = this.groups.place(this, this.cols, this.rows, this.term, (notice) => this.feed.write(`\r\n${notice}\r\n`)).group;
  }

  /** The group's tmux client is gone (stop from anywhere, the session ended). */
  onGroupExit(code: number, tail: string, reason?: string): void {
    // Every member has the group's last output by now (live, or from the final snapshot).
    this.exitTail = tail;
    this.exitReason = reason;
    this.group = undefined;
    if (this.ended) return;
    this.ended = true;
    this.onExit(code);
  }

  /** The guest's window changed: it moves to the group of its new size (attach -r never resizes the host's window). */
  resize(cols: number, rows: number): void {
    const size = clampSize(cols, rows);
    if (size.cols === this.cols && size.rows === this.rows) return;
    this.cols = size.cols;
    this.rows = size.rows;
    if (this.ended || !this.group) return;
    this.group.remove(this);
    try {
      this.join();
    } catch (error) {
      // No tmux client for the new size (node-pty failed): say so and end, as at the start.
      this.feed.write(cannotShow(error));
      this.ended = true;
      this.onExit(1);
    }
  }

  /** The connection is gone: leave the group (the last one out ends its tmux client). */
  leave(): void {
    this.ended = true;
    this.group?.remove(this);
    this.group = undefined;
  }

  /**
   * Ends this guest's view with a one-line message; the group's tmux client carries on for the
   * others. When the group itself already ended with this message (stop), it is not shown twice.
   */
  async end(message: string): Promise<void> {
    const group = this.group;
    const seen = group ? !group.running && this.feed.state === 'live' && group.tail.includes(message) : this.exitTail.includes(message);
    this.leave();
    if (!seen && this.channel.writable) this.feed.write(`${RESET_AS_TMUX_DETACH}\r\n${message}\r\n`);
  }
}
