// The largest window a guest's tmux client may have, in both modes. tmux 3.3a redraws a client
// cell by cell, and a guest claiming 10000x10000 keeps the host's tmux server busy for seconds
// at every redraw (measured: about 13 s), so every guest size is clamped before tmux sees it:
// by the embedded server (clampSize) and, in system mode, by the size relay the forced command
// runs (sizeRelay.ts). 1000x500 is far beyond any real screen and costs tmux nothing visible.
export const MAX_GUEST_COLS = 1000;
export const MAX_GUEST_ROWS = 500;

/** Sizes a guest may ask for: positive integers up to the limits; anything else gets 80x24. */
export function clampSize(cols: number, rows: number): { cols: number; rows: number } {
  const clamp = (n: number, max: number, fallback: number): number => (Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback);
  return { cols: clamp(cols, MAX_GUEST_COLS, 80), rows: clamp(rows, MAX_GUEST_ROWS, 24) };
}
