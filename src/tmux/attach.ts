// The one place that builds the command a guest's client runs. `-r` is the read-only guarantee
// on the tmux side: since tmux 3.2 it means read-only + ignore-size, so a guest can neither type
// into the session nor resize the host's window. Every guest route (embedded server, the OpenSSH
// ForceCommand wrapper, tests) uses these argv lists.

export interface AttachTarget {
  socketPath: string;
  sessionName: string;
  tmuxBin?: string;
}

/** argv for a guest: read-only, attached to exactly the broadcast session. */
export function guestAttachArgv(target: AttachTarget): string[] {
  return [target.tmuxBin ?? 'tmux', '-S', target.socketPath, 'attach-session', '-r', '-t', `=${target.sessionName}`];
}

/** argv for the host's own read-write client. */
export function hostAttachArgv(target: AttachTarget): string[] {
  return [target.tmuxBin ?? 'tmux', '-S', target.socketPath, 'attach-session', '-t', `=${target.sessionName}`];
}

/** Quotes one word for a POSIX shell. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
