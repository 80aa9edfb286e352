// What the broadcast's tmux session may be called: 1-64 ASCII letters, digits, '_' or '-'.
// Why so strict: the name goes into tmux targets (where ':' and '.' name a window or pane), into
// the hardening hooks' command strings, into the guest account's forced command in the root
// setup script, and into the status bar and `status --json`. The CLI (`--session`), the VS Code
// setting (guestBroadcast.sessionName, whose pattern in package.json says the same), the setup
// script and the tmux layer all check it here, so a name one accepts the others accept too.
export const SESSION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** What to do about a bad name, to follow "... is not allowed: ". */
export const SESSION_NAME_RULE = "use 1-64 letters, digits, '_' or '-'";

export function isValidSessionName(name: string): boolean {
  return SESSION_NAME.test(name);
}

export function assertValidSessionName(name: string): void {
  if (!isValidSessionName(name)) throw new Error(`Session name "${name}" is not allowed: ${SESSION_NAME_RULE}.`);
}
