// The one terminal-size cap every side applies: 2-1000 columns, 1-500 rows.
//
// Why a cap at all: tmux 3.3a redraws a client cell by cell, and a guest claiming 10000x10000
// keeps the host's tmux server busy for seconds at every redraw (measured: about 13 s), and tmux
// has no option that caps a client's size. So every size that reaches tmux or that we believe
// from the network is held to these limits: the embedded server clamps a guest's size
// (host/guestWindow.ts), system mode's size relay gets them as arguments (the Perl script in
// host/guestAccount/sizeRelay.ts), the host-size stream rejects sizes beyond them
// (wire/hostSize.ts), the VS Code panel ignores webview sizes outside them (ui/protocol.ts), and
// `watch --snapshot --cols/--rows` accepts only sizes inside them. 1000x500 is far beyond any
// real screen and costs tmux nothing visible; 2 columns is the least tmux draws a status in.
export const MIN_COLS = 2;
export const MAX_COLS = 1000;
export const MIN_ROWS = 1;
export const MAX_ROWS = 500;

/** Whether cols x rows are whole numbers inside the limits. */
export function isWithinSizeLimits(cols: unknown, rows: unknown): boolean {
  return (
    Number.isInteger(cols) && Number.isInteger(rows) &&
    (cols as number) >= MIN_COLS && (cols as number) <= MAX_COLS &&
    (rows as number) >= MIN_ROWS && (rows as number) <= MAX_ROWS
  );
}
