// The one place that builds the command a guest's client runs. `-r` is the read-only guarantee
// on the tmux side: since tmux 3.2 it means read-only + ignore-size, so a guest can neither type
// into the session nor resize the host's window. Every guest route (embedded server, the OpenSSH
// ForceCommand wrapper, tests) uses these argv lists.
// `-E` keeps a guest's attach from rewriting the host's session environment: without it tmux
// applies update-environment to every attaching client, so each guest would set the session's
// SSH_CONNECTION to its own and remove the host's DISPLAY and SSH_AUTH_SOCK (absent from the
// guest's environment) from every window the host opens afterwards.

export interface AttachTarget {
  socketPath: string;
  sessionName: string;
  tmuxBin?: string;
}

/** argv for a guest: read-only, attached to exactly the broadcast session, leaving its environment alone. */
export function guestAttachArgv(target: AttachTarget): string[] {
  return [target.tmuxBin ?? 'tmux', '-S', target.socketPath, 'attach-session', '-r', '-E', '-t', `=${target.sessionName}`];
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
