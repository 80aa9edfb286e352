// All size groups of the embedded server: a viewer of a new size gets a new group while there are
// fewer than the cap; beyond it, the viewer joins the nearest larger group (or the largest, when
// none is larger) and is told which size it is shown.
import { Tmux } from '../../tmux/tmux';
import { GroupMember, SizeGroup } from './sizeGroup';

/** How long a capped viewer reads its notice before the view starts. */
export const NOTICE_MS = 2000;

export interface SizeGroupsOptions {
  tmux: Tmux;
  sessionName: string;
  maxGroups: number;
  appRoot?: string;
}

export interface Placement {
  group: SizeGroup;
  /** Set when the viewer could not get a group of its own size (the cap). */
  notice?: string;
}

export class SizeGroups {
  private readonly groups = new Map<string, SizeGroup>();

  constructor(private readonly options: SizeGroupsOptions) {}

  /** Groups whose tmux client still runs. */
  list(): SizeGroup[] {
    return [...this.groups.values()].filter((g) => g.running);
  }

  /**
   * Puts `member` in the group of exactly its size, beyond the cap if need be: a recording is of
   * the host's screen at the host's size, never a neighbour's (one more size at most: the host's).
   */
  placeExact(member: GroupMember, cols: number, rows: number, term: string): SizeGroup {
    const own = this.groups.get(SizeGroup.keyOf(cols, rows, term));
    if (own?.running) {
      own.add(member);
      return own;
    }
    const group = this.newGroup(cols, rows, term);
    group.add(member);
    return group;
  }

  private newGroup(cols: number, rows: number, term: string): SizeGroup {
    const group = new SizeGroup({ tmux: this.options.tmux, sessionName: this.options.sessionName, term, cols, rows, appRoot: this.options.appRoot }, (g) => {
      if (this.groups.get(g.key) === g) this.groups.delete(g.key);
    });
    this.groups.set(group.key, group);
    return group;
  }

  /** Puts `member` in the group for its size; `member` must not be in a group. */
  place(member: GroupMember, cols: number, rows: number, term: string, onNotice: (notice: string) => void): Placement {
    const key = SizeGroup.keyOf(cols, rows, term);
    const own = this.groups.get(key);
    if (own?.running) {
      own.add(member);
      return { group: own };
    }
    const live = this.list();
    if (live.length < this.options.maxGroups) {
      const group = this.newGroup(cols, rows, term);
      group.add(member);
      return { group };
    }
    const group = nearestLarger(live, cols, rows);
    const notice =
        `Guest Broadcast: ${this.options.maxGroups} screen sizes already watch this broadcast (its limit), so you see it at ${group.cols}x${group.rows}, ` +
        `not your ${cols}x${rows}. A ${group.cols}x${group.rows} terminal shows it best.`;
    // The notice goes first and stays readable a moment before the view draws over it.
    onNotice(notice);
    group.add(member, NOTICE_MS);
    return { group, notice };
  }

  /** Ends every group's tmux client with the farewell (stop). */
  async endAll(message: string): Promise<void> {
    await Promise.all(this.list().map((g) => g.end(message)));
  }
}

/** The group that fits the size with the least to spare; the largest when none fits. */
export function nearestLarger<T extends { cols: number; rows: number }>(groups: readonly T[], cols: number, rows: number): T {
  const area = (g: T): number => g.cols * g.rows;
  const fitting = groups.filter((g) => g.cols >= cols && g.rows >= rows).sort((a, b) => area(a) - area(b));
  if (fitting.length) return fitting[0];
  return [...groups].sort((a, b) => area(b) - area(a))[0];
}
