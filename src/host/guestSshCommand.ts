// The command a guest types to watch a broadcast over SSH: `ssh USER@HOST`, with `-p PORT` when
// the port is not 22. Both SSH ways of serving guests (the embedded server and system mode's
// sshd) print it at start, store it in the broadcast's markers (for `status --json` and a
// reloaded window) and hand it to *Copy watch command*, so its shape is written once, here: a
// guest reading it from any of those places types the same thing.
export const DEFAULT_SSH_PORT = 22;

export function guestSshCommand(user: string, host: string, port: number = DEFAULT_SSH_PORT): string {
  return `ssh ${port === DEFAULT_SSH_PORT ? '' : `-p ${port} `}${user}@${host}`;
}
