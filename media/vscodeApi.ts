// The webview's only way out: VS Code's postMessage, typed with the shared protocol so nothing
// but a WebviewMessage can ever be posted (no keystrokes, no query replies).
import type { HostMessage, WebviewMessage } from '../src/ui/protocol';

/** What this webview remembers across reloads (VS Code keeps it with the panel). */
export interface SavedState {
  version: 1;
  /** The target as the user gave it; the extension reconnects to it when VS Code restores the panel. */
  spec: string;
  /** The screen and some scrollback as escape sequences (addon-serialize), replayed on reload. */
  screen?: string;
}

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: SavedState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(message: WebviewMessage): void {
  api.postMessage(message);
}

export function loadState(): SavedState | undefined {
  const state = api.getState() as Partial<SavedState> | undefined | null;
  return state && state.version === 1 ? (state as SavedState) : undefined;
}

export function saveState(state: SavedState): void {
  api.setState(state);
}

/** Messages from the extension host. VS Code delivers them as window message events. */
export function onHostMessage(listener: (message: HostMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data;
    if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') {
      listener(data as HostMessage);
    }
  });
}
