// What the viewer (viewerApp.ts) needs from whatever carries its messages: VS Code's postMessage
// in the webview (vscodeApi.ts), a WebSocket to the host's browser route on the web page
// (webChannel.ts). The viewer speaks the panel protocol (src/ui/protocol.ts) either way; a
// channel translates it. Read-only by construction: a WebviewMessage is the only thing a channel
// is given to send, and none of them carries keys, pasted text or xterm.js's query replies.
import type { HostMessage, WebviewMessage } from '../src/ui/protocol';

/** What a webview remembers across reloads (VS Code keeps it with the panel). */
export interface SavedState {
  version: 1;
  /** The target as the user gave it; the extension reconnects to it when VS Code restores the panel. */
  spec: string;
  /** The screen and some scrollback as escape sequences (addon-serialize), replayed on reload. */
  screen?: string;
}

/** Beyond the panel protocol: a line for the user outside the terminal (the web page's server
 * sends size-cap notices this way; the VS Code panel has no use for it). */
export type ChannelMessage = HostMessage | { type: 'notice'; text: string };

export interface ViewerChannel {
  /** The viewer's messages; the channel decides what (if anything) leaves the page. */
  post(message: WebviewMessage): void;
  /** Messages for the viewer, in order. Called once, before anything is posted. */
  onMessage(listener: (message: ChannelMessage) => void): void;
  /** The screen saved by an earlier load of this page, if the channel keeps one. */
  loadState(): SavedState | undefined;
  /** Keeps the screen across reloads; absent when the channel cannot (the viewer then never
   * serialises its screen for it). */
  saveState?(state: SavedState): void;
}
