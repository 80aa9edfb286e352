// What activate() returns: read-only views of the host side, for tests and other extensions.
import * as vscode from 'vscode';
import { BroadcastStatus } from '../host/status';
import type { HostContextValues } from './contextKeys';
import type { HostsNode } from './hosts/hostsTree';

export interface GuestBroadcastApi {
  /** The status bar item's text while it shows ("$(eye) 1 viewer", "$(debug-pause) Paused · 1 viewer"), else undefined. */
  readonly statusBarText: string | undefined;
  /** The status bar item's tooltip as plain text (host window size, viewers), undefined while hidden. */
  readonly statusBarTooltip: string | undefined;
  /** The status bar item's tooltip markdown, accessible label and click command, undefined while hidden. */
  readonly statusBarRendered: { markdown: string; accessibleLabel: string; command: string } | undefined;
  /** The recording item's text while this window's broadcast records ("$(record) REC"), else undefined. */
  readonly recordingStatusBarText: string | undefined;
  /** The context keys the commands' when clauses use (see contextKeys.ts), as last set. */
  readonly contextKeys: HostContextValues;
  /** This window's broadcast as `guest-broadcast status --json` prints it; undefined when none. */
  status(): BroadcastStatus | undefined;
  /** The host's read-write terminal while it is open. */
  readonly hostTerminal: vscode.Terminal | undefined;
  /** The "Broadcast hosts" view's data: what its rows are and how each is shown. */
  readonly hostsTree: Pick<vscode.TreeDataProvider<HostsNode>, 'getChildren' | 'getTreeItem'>;
}
