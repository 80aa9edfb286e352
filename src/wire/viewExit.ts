// The exit statuses a server gives a view, as a watcher reads them (src/watcher/sessionEnd.ts):
// 0 is the broadcast's end; TRY_AGAIN (sysexits' EX_TEMPFAIL) is a refusal for now only (a
// relay that cannot reach the registry at this moment, a relay that is stopping): the watcher
// tries again, as after a dropped connection, instead of giving up as after a refusal (any other
// non-zero status before the view drew anything, e.g. an id no relay serves).
export const VIEW_EXIT = {
  ended: 0,
  refused: 1,
  tryAgain: 75,
} as const;
