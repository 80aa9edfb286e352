// The largest window a guest's tmux client may have, in both modes: the cap of
// wire/terminalSizeLimits.ts (why it exists is written there). Every guest size is clamped before
// tmux sees it: by the embedded server (clampSize) and, in system mode, by the size relay the
// forced command runs (sizeRelay.ts).
import { MAX_COLS, MAX_ROWS } from '../wire/terminalSizeLimits';

export const MAX_GUEST_COLS = MAX_COLS;
export const MAX_GUEST_ROWS = MAX_ROWS;

/** Sizes a guest may ask for: positive integers up to the limits; anything else gets 80x24. */
export function clampSize(cols: number, rows: number): { cols: number; rows: number } {
  const clamp = (n: number, max: number, fallback: number): number => (Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback);
  return { cols: clamp(cols, MAX_GUEST_COLS, 80), rows: clamp(rows, MAX_GUEST_ROWS, 24) };
}
