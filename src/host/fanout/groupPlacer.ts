// What a guest's view needs from the fan-out it joins, whichever serves it: the host's size
// groups (sizeGroups.ts, tmux clients on this machine) or a relay's groups fed from NATS
// (src/relay/relayGroups.ts). The per-guest code (embedded/guestView.ts, guestFeed.ts) is the
// same for both.
import type { GroupMember } from './sizeGroup';

export interface PlacedGroup {
  /** Removes a member; the group ends when its last member leaves. */
  remove(member: GroupMember): void;
  readonly running: boolean;
  /** The group's last output, to tell whether a farewell already reached its members. */
  readonly tail: string;
}

export interface GroupPlacer {
  /** Puts `member` in the group for its size; `onNotice` is told when it gets another size. */
  place(member: GroupMember, cols: number, rows: number, term: string, onNotice: (notice: string) => void): { group: PlacedGroup };
}
