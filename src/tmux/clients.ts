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

/**
 * Ends one client's view, showing it a one-line reason. It touches no option: tmux runs the -E
 * command in the client process through the session's default-shell (the host's shell, which a
 * kick must never change: kicks run concurrently, and a new window would start whatever the
 * option held at that moment), so the command is written to mean the same in every shell.
 */
export async function kickClient(tmux: Tmux, clientName: string, message: string): Promise<void> {
  await tmux.runIfServer(['detach-client', '-t', clientName, '-E', farewellCommand(message)]);
}

/**
 * The shell command a detached client runs instead of printing "[detached]": it prints the
 * reason on the guest's terminal. tmux runs it in the client process, so it reaches the guest
 * through sshd or the embedded server alike.
 */
export function farewellCommand(message: string): string {
  // Single-quoted text and one external-or-builtin printf read the same in sh, bash, zsh, ksh,
  // fish and csh; a quote or backslash inside would not (each shell escapes them its own way).
  const text = message.replace(/[^\x20-\x7e]/g, ' ').replace(/'/g, '"').replace(/\\/g, '/');
  return `printf '\\r\\n%s\\r\\n' '${text}'`;
}
