// Who is attached to the broadcast server, read from `tmux list-clients`.
import { Tmux } from './tmux';

export interface TmuxClient {
  /** tmux's name for the client: its tty, e.g. /dev/pts/7. Used to kick it. */
  name: string;
  pid: number;
  /** The Unix user running the client process. */
  user: string;
  uid: number;
  readOnly: boolean;
  cols: number;
  rows: number;
  /** When the client attached. */
  since: Date;
  termName: string;
  session: string;
  /** When the client was last used (seconds since the epoch): tmux's window size follows it. */
  activity: number;
}

// A field separator that never occurs in tty names, user names or terminal names.
const SEP = '\u001f';
const FIELDS = [
  'client_name',
  'client_pid',
  'client_user',
  'client_uid',
  'client_readonly',
  'client_width',
  'client_height',
  'client_created',
  'client_termname',
  'session_name',
  'client_activity',
] as const;

export const LIST_CLIENTS_FORMAT = FIELDS.map((f) => `#{${f}}`).join(SEP);

export function parseClientList(output: string): TmuxClient[] {
  const clients: TmuxClient[] = [];
  for (const line of output.split('\n')) {
    if (!line) continue;
    const parts = line.split(SEP);
    if (parts.length !== FIELDS.length) continue;
    const [name, pid, user, uid, readonly, width, height, created, termName, session, activity] = parts;
    clients.push({
      name,
      pid: Number(pid),
      user,
      uid: Number(uid),
      readOnly: readonly === '1',
      cols: Number(width),
      rows: Number(height),
      since: new Date(Number(created) * 1000),
      termName,
      session,
      activity: Number(activity),
    });
  }
  return clients;
}

/** All clients of the server; empty when no server runs. */
export async function listClients(tmux: Tmux): Promise<TmuxClient[]> {
  const out = await tmux.runIfServer(['list-clients', '-F', LIST_CLIENTS_FORMAT]);
  return out === undefined ? [] : parseClientList(out);
}

/** Ends one client's view, showing it a one-line reason. */
export async function kickClient(tmux: Tmux, clientName: string, message: string): Promise<void> {
  // tmux runs the -E command through the server's default-shell, which is the host's shell
  // (often bash). A chrooted guest has only /bin/sh, so the farewell runs through /bin/sh; the
  // host's setting is put back in the same tmux invocation, before any new window could use it.
  const hostShell = (await tmux.runIfServer(['show-options', '-gv', 'default-shell']))?.trim();
  if (hostShell === undefined) return;
  const restore = ['set-option', '-g', 'default-shell', hostShell || '/bin/sh'];
  try {
    await tmux.runIfServer(['set-option', '-g', 'default-shell', '/bin/sh', ';', 'detach-client', '-t', clientName, '-E', farewellCommand(message), ';', ...restore]);
  } catch (error) {
    // tmux skips the rest of a command list after an error (the client had already gone).
    await tmux.runIfServer(restore).catch(() => undefined);
    throw error;
  }
}

/**
 * The shell command a detached client runs instead of printing "[detached]": it prints the
 * reason on the guest's terminal. tmux runs it in the client process, so it reaches the guest
 * through sshd or the embedded server alike.
 */
export function farewellCommand(message: string): string {
  const text = message.replace(/[^\x20-\x7e]/g, ' ');
  return `printf '\\r\\n%s\\r\\n' '${text.replace(/'/g, `'\\''`)}'`;
}
