// Creating the broadcast's dedicated tmux server and making it hold exactly one session.
// A read-only client can still switch sessions on its server (C-b ( ) L), so a second session on
// the broadcast server would be a door to whatever the host typed there. The server itself kills
// any other session the moment it is created, and detaches a read-only client that ends up
// anywhere but the broadcast session.
import { assertValidSessionName } from './sessionName';
import { Tmux } from './tmux';

export interface BroadcastSessionOptions {
  sessionName: string;
  /** Command the session's first window runs; the user's login shell when omitted. */
  command?: string;
  cwd?: string;
  cols?: number;
  rows?: number;
  /** A tmux config file to load instead of the user's ~/.tmux.conf (tests pass /dev/null). */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Global user options (@name) that mark the server as a broadcast and describe it. */
  markers?: Record<string, string>;
}

/** The user option that tells a broadcast server from any other tmux server. */
export const MARKER_OPTION = 'guest-broadcast';

/** The tmux commands that lock a server to one session. Exported for tests and the doctor. */
export function hardeningCommands(sessionName: string): string[][] {
  assertValidSessionName(sessionName);
  // kill-session without -t acts on the hooked session. detach-on-destroy off keeps the host's
  // client in the broadcast session when its accidental new session is killed under it.
  const killOthers =
    `if-shell -F '#{!=:#{session_name},${sessionName}}' ` +
    `'kill-session ; display-message "Guest Broadcast: this server holds only the broadcast session"'`;
  const detachStrayGuests =
    `if-shell -F '#{&&:#{client_readonly},#{!=:#{client_session},${sessionName}}}' 'detach-client'`;
  return [
    ['set-option', '-g', 'detach-on-destroy', 'off'],
    ['set-hook', '-g', 'session-created', killOthers],
    ['set-hook', '-g', 'client-session-changed', detachStrayGuests],
    ...passthroughOffCommands(),
  ];
}

/**
 * tmux 3.3a hands a passthrough payload (`ESC Ptmux;…`) raw to every client, read-only guests
 * included, with no per-client switch; plain text and CSI in it cannot be told from tmux's own
 * output afterwards (src/host/guestOutputFilter.ts drops the string sequences). So the broadcast
 * server keeps `allow-passthrough` off: globally after the host's config, and again after every
 * set-option at the global, window and pane level of that command's own target (a hook's commands
 * act on the target of the command that fired it, and run without hooks of their own). tmux has
 * no hook after set-window-option (setw), so its names become aliases of `set-option -w`, which
 * has: setw, and every prefix tmux would take for set-window-option (tmux runs a command named by
 * any unique prefix, e.g. `set-w`, and an alias matches only its exact name). Appended (-a), so
 * the host's own hooks and aliases stay.
 */
export function passthroughOffCommands(): string[][] {
  const forceOff = 'set-option -gw allow-passthrough off ; set-option -w allow-passthrough off ; set-option -p allow-passthrough off';
  return [
    ['set-option', '-gw', 'allow-passthrough', 'off'],
    ['set-hook', '-ga', 'after-set-option', forceOff],
    ...setWindowOptionNames().map((name) => ['set-option', '-sa', 'command-alias', `${name}=set-option -w`]),
  ];
}

/** setw, and set-window-option with each prefix of it that no other tmux command shares ("set-w" on). */
export function setWindowOptionNames(): string[] {
  const full = 'set-window-option';
  const names = ['setw'];
  for (let n = 'set-w'.length; n <= full.length; n++) names.push(full.slice(0, n));
  return names;
}

/** Joins several tmux commands into one invocation with `;` separators. */
export function chain(commands: string[][]): string[] {
  const args: string[] = [];
  commands.forEach((command, i) => {
    if (i > 0) args.push(';');
    args.push(...command);
  });
  return args;
}

/**
 * Starts the server with its one session, hardens it and sets the markers, all in one tmux
 * invocation so no client can attach before the hooks are in place.
 */
export async function createBroadcastSession(tmux: Tmux, options: BroadcastSessionOptions): Promise<void> {
  assertValidSessionName(options.sessionName);
  const create = ['new-session', '-d', '-s', options.sessionName, '-x', String(options.cols ?? 120), '-y', String(options.rows ?? 34)];
  if (options.cwd) create.push('-c', options.cwd);
  if (options.command) create.push(options.command);
  const markers = Object.entries({ [MARKER_OPTION]: '1', ...options.markers }).map(([k, v]) => ['set-option', '-g', `@${k}`, v]);
  const args = [...(options.configFile ? ['-f', options.configFile] : []), ...chain([create, ...hardeningCommands(options.sessionName), ...markers])];
  await tmux.run(args, { env: options.env, cwd: options.cwd });
}

/** Updates the markers on a running server (e.g. the listen address after the SSH server binds). */
export async function setMarkers(tmux: Tmux, markers: Record<string, string>): Promise<void> {
  const commands = Object.entries(markers).map(([k, v]) => ['set-option', '-g', `@${k}`, v]);
  if (commands.length) await tmux.run(chain(commands));
}

/** Reads every marker of a broadcast server, or undefined when the socket holds no broadcast. */
export async function readMarkers(tmux: Tmux): Promise<Record<string, string> | undefined> {
  const out = await tmux.runIfServer(['show-options', '-g']).catch(() => undefined);
  if (out === undefined) return undefined;
  const markers: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^@([\w-]+) (.*)$/.exec(line);
    if (!m) continue;
    markers[m[1]] = unquoteOptionValue(m[2]);
  }
  return markers[MARKER_OPTION] === '1' ? markers : undefined;
}

/**
 * A value as `show-options` prints it: bare, in double quotes with backslash escapes (spaces,
 * quotes, `$`), or '' for the empty string (which read raw made `status` say "Guests connect
 * to ''").
 */
export function unquoteOptionValue(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return text.slice(1, -1).replace(/\\(.)/g, '$1');
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1);
  return text;
}
