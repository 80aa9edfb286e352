// THE CURTAIN'S ONE RULE: while a broadcast is paused, every read-only tmux client of its server is
// LOCKED, and tmux draws nothing of the session to a locked client. It holds for every route at
// once, because every guest's view is a read-only tmux client: the fan-out's clients (embedded SSH,
// browser, live stream, recording) and system mode's clients behind sshd. So not one byte of what
// the session draws during a pause leaves tmux toward a guest: not live, not in a late joiner's
// first screen (a client that attaches while paused is locked by the client-attached hook, which
// tmux runs before it draws anything to the client), not in a resynchronisation (the fan-out's
// screen model only ever sees what its locked client shows: the curtain), not in a recording.
//
// - pause: `@paused 1`, then `lock-session` in the same tmux command (atomic: no client is left
//   unlocked in between); each locked client runs the session's lock-command, our curtain program
//   (curtainProgram.ts), which shows the curtain and waits.
// - resume: `@paused 0` and a nudge (ownerNudge.ts); each curtain program sees it within
//   CURTAIN_POLL_SECONDS and exits, and tmux unlocks its client and redraws the session as it is then.
// The state lives in the broadcast's tmux server (markers @paused, @pause-message), so a reloaded
// VS Code window, `status` in another terminal and the key binding all see the same thing.
import { existsSync } from 'node:fs';
import { shellQuote } from '../../tmux/attach';
import { chain, readMarkers } from '../../tmux/broadcastSession';
import { Tmux } from '../../tmux/tmux';
import { findOnPath } from '../guestAccount/options';
import { nudgeOwner, nudgePath } from '../ownerNudge';
import { curtainLockCommand, PAUSED_ENDING } from './curtainProgram';

/** Markers (tmux user options, @NAME) that hold the curtain's state. */
export const PAUSED_MARKER = 'paused';
export const PAUSE_MESSAGE_MARKER = 'pause-message';

/** The host's key (after tmux's prefix) that lowers and lifts the curtain. Unbound in tmux's defaults. */
export const CURTAIN_KEY = 'B';

/** Our entry in the client-attached hook array: a fixed index, so installing twice changes nothing. */
const HOOK_INDEX = 42;

/** Longest curtain message, in characters. */
export const MAX_CURTAIN_MESSAGE = 300;

export interface CurtainState {
  paused: boolean;
  /** The host's message ('' for the default one). */
  message: string;
}

export class CurtainError extends Error {}

/** The curtain's state as the markers hold it. */
export function curtainFromMarkers(markers: Record<string, string>): CurtainState {
  const value = markers[PAUSED_MARKER] ?? '';
  return { paused: value !== '' && value !== '0', message: markers[PAUSE_MESSAGE_MARKER] ?? '' };
}

/** Refuses a message a guest's terminal could not show as one line of text. */
export function checkCurtainMessage(message: string): string {
  const text = message.trim();
  if (/[\x00-\x1f\x7f-\x9f]/.test(text)) throw new CurtainError('The curtain message must be one line of plain text (no tabs, newlines or control characters).');
  if ([...text].length > MAX_CURTAIN_MESSAGE) throw new CurtainError(`The curtain message is too long: at most ${MAX_CURTAIN_MESSAGE} characters.`);
  return text;
}

/** A string in tmux's command syntax: double quotes, with what tmux's parser would expand escaped. */
function tmuxQuote(text: string): string {
  return `"${text.replace(/[\\"$]/g, '\\$&')}"`;
}

/** run-shell in the background, of a shell command that must reach the shell as it is. */
function runShellCommand(command: string): string {
  // run-shell expands formats in its argument: a # in a path must stay one.
  return `run-shell -b ${tmuxQuote(command.replace(/#/g, '##'))}`;
}

/** The key binding's nudge (ownerNudge.ts): new content every time, readable by the guests' curtain programs. */
function nudgeCommand(socketPath: string): string {
  return runShellCommand(`umask 022; date +%s.%N > ${shellQuote(nudgePath(socketPath))}`);
}

/** The commands that pause, as run by the host's key binding (the CLI adds its message and session). */
function pauseCommandText(socketPath: string): string {
  const nudge = nudgeCommand(socketPath);
  return `set-option -gu @${PAUSE_MESSAGE_MARKER} ; set-option -g @${PAUSED_MARKER} 1 ; lock-session ; ${nudge} ; display-message ${tmuxQuote(`Guest Broadcast: paused; guests see the curtain. Prefix ${CURTAIN_KEY} again resumes.`)}`;
}

function resumeCommandText(socketPath: string): string {
  const nudge = nudgeCommand(socketPath);
  return `set-option -g @${PAUSED_MARKER} 0 ; ${nudge} ; display-message ${tmuxQuote('Guest Broadcast: resumed; guests see the session again.')}`;
}

/** The key binding's command: lowers the curtain, or lifts it when it is down. */
export function curtainToggleCommand(socketPath: string): string {
  return `if-shell -F ${tmuxQuote(`#{==:#{@${PAUSED_MARKER}},1}`)} { ${resumeCommandText(socketPath)} } { ${pauseCommandText(socketPath)} }`;
}

/** Where the curtain program's interpreter and tmux are (absolute: a chroot's PATH may differ). */
function programPaths(tmux: Tmux): { perl: string; tmux: string } {
  const perl = findOnPath('perl') ?? '/usr/bin/perl';
  const tmuxBin = tmux.bin.includes('/') ? tmux.bin : (findOnPath(tmux.bin) ?? tmux.bin);
  return { perl, tmux: tmuxBin };
}

/**
 * The tmux commands that make pausing possible on this server: the session's lock-command is the
 * curtain program, and a client that attaches while paused is locked before tmux draws it
 * anything. Safe to run again (fixed hook index); every pause runs them, so a broadcast started by
 * an older version is covered too.
 */
async function setupCommands(tmux: Tmux, sessionName: string): Promise<string[][]> {
  const paths = programPaths(tmux);
  if (!existsSync(paths.perl)) throw new CurtainError(`The curtain needs Perl (not found at ${paths.perl}). Install perl (apt-get install perl-base), then pause again.`);
  // The host's own lock command still runs for the host's client outside a pause.
  const hostLock = (await tmux.run(['show-options', '-gv', 'lock-command']).catch(() => '')).trim();
  const lockCommand = curtainLockCommand({ perl: paths.perl, tmux: paths.tmux, socketPath: tmux.socketPath, hostLockCommand: hostLock });
  return [
    // set-option's -t names a pane: the session's, exactly (=NAME:).
    ['set-option', '-t', `=${sessionName}:`, 'lock-command', lockCommand],
    // Any value but empty and 0 locks: paused (1), and a stop behind the curtain (PAUSED_ENDING),
    // during which the server still lives and may take new clients (a guest, a recording).
    ['set-hook', '-g', `client-attached[${HOOK_INDEX}]`, `if-shell -F ${tmuxQuote(`#{@${PAUSED_MARKER}}`)} lock-client`],
  ];
}

/**
 * Installs the curtain on a broadcast server (at start and on adopt): the lock command, the hook,
 * and the key binding unless the host's config already uses that key. Says whether the key is ours.
 */
export async function installCurtain(tmux: Tmux, sessionName: string): Promise<{ key: string | undefined }> {
  const commands = await setupCommands(tmux, sessionName);
  const existing = await tmux.run(['list-keys', '-T', 'prefix', CURTAIN_KEY]).catch(() => '');
  const ours = existing === '' || existing.includes(`@${PAUSED_MARKER}`);
  if (ours) commands.push(['bind-key', '-T', 'prefix', CURTAIN_KEY, curtainToggleCommand(tmux.socketPath)]);
  await tmux.run(chain(commands));
  return { key: ours ? CURTAIN_KEY : undefined };
}

/** Reads the curtain's state from the server. */
export async function readCurtain(tmux: Tmux): Promise<CurtainState> {
  return curtainFromMarkers((await readMarkers(tmux).catch(() => undefined)) ?? {});
}

/**
 * Lowers the curtain for every guest of every route, now: when this returns, tmux draws nothing
 * more of the session to any guest. With the curtain already down, only the message changes.
 */
export async function pauseBroadcast(tmux: Tmux, sessionName: string, message = ''): Promise<void> {
  const text = checkCurtainMessage(message);
  const commands = await setupCommands(tmux, sessionName);
  commands.push(text ? ['set-option', '-g', `@${PAUSE_MESSAGE_MARKER}`, text] : ['set-option', '-gu', `@${PAUSE_MESSAGE_MARKER}`]);
  commands.push(['set-option', '-g', `@${PAUSED_MARKER}`, '1'], ['lock-session', '-t', `=${sessionName}`]);
  await tmux.run(chain(commands));
  nudgeOwner(tmux.socketPath);
}

/**
 * Lifts the curtain: guests see the session as it is now. Waits (up to `waitMs`) until tmux has
 * unlocked every guest's client; returns how many are still behind the curtain.
 */
export async function resumeBroadcast(tmux: Tmux, waitMs = 3000): Promise<number> {
  // Never while the broadcast stops behind the curtain: the curtain programs are saying goodbye,
  // and lifting it would show the session in the moment before the server goes.
  await tmux.run(['if-shell', '-F', `#{!=:#{@${PAUSED_MARKER}},${PAUSED_ENDING}}`, `set-option -g @${PAUSED_MARKER} 0 ; set-option -gu @${PAUSE_MESSAGE_MARKER}`]);
  nudgeOwner(tmux.socketPath);
  const until = Date.now() + waitMs;
  for (;;) {
    const left = await curtainedClients(tmux);
    if (left === 0 || Date.now() >= until) return left;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Read-only clients tmux holds locked (behind the curtain). */
export async function curtainedClients(tmux: Tmux): Promise<number> {
  const out = await tmux.runIfServer(['list-clients', '-F', '#{client_readonly} #{client_flags}']).catch(() => undefined);
  if (!out) return 0;
  return out.split('\n').filter((l) => l.startsWith('1 ') && /(^|,)suspended(,|$)/.test(l.slice(2))).length;
}

/**
 * Before a broadcast that is paused ends: the curtain programs say the broadcast ended and wait
 * for the server to go (they must not exit while it lives: tmux would unlock and redraw).
 */
export async function endBehindCurtain(tmux: Tmux): Promise<boolean> {
  const state = await readCurtain(tmux);
  if (!state.paused) return false;
  await tmux.run(['set-option', '-g', `@${PAUSED_MARKER}`, PAUSED_ENDING]).catch(() => undefined);
  nudgeOwner(tmux.socketPath);
  return true;
}
