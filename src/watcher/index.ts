// The watcher's public face: what the VS Code panel and the CLI use. Plain Node, no vscode.
import { SshWatchSession } from './watchSession';
import { WatchOptions, WatchPrompts, WatchSession, WatchTarget } from './types';

export type { HostKeyInfo, ReconnectTiming, WatchOptions, WatchPrompts, WatchSession, WatchState, WatchTarget } from './types';
export { resolveTarget } from './resolveTarget';
export type { ResolveOptions } from './resolveTarget';
export { formatTarget, parseTargetSpec, TargetError, DEFAULT_PORT, DEFAULT_USER } from './targetSpec';
export { formatTargetList, parseTargetList } from './targetList';
export { listSshConfigAliases, loadSshConfig, readSshConfigAliases } from './sshConfig';
export { classifyTerminalInput } from './terminalReplies';
export type { TerminalInputKind } from './terminalReplies';
export { OutputFilter } from './outputFilter';
export { HostKeyError } from './hostKeyVerifier';
export { AuthError } from './authPlan';

/** Starts watching: the session connects right away and reconnects until closed or ended. */
export function openWatchSession(target: WatchTarget, prompts: WatchPrompts, options: WatchOptions): WatchSession {
  if (!Number.isInteger(options.cols) || !Number.isInteger(options.rows) || options.cols < 1 || options.rows < 1) {
    throw new RangeError(`A watch needs a terminal size of at least 1x1 (got ${options.cols}x${options.rows}).`);
  }
  return new SshWatchSession(target, prompts, options);
}
