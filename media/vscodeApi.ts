// The webview's channel: VS Code's postMessage, typed with the shared protocol so nothing but a
// WebviewMessage can ever be posted (no keystrokes, no query replies).
import type { HostMessage, WebviewMessage } from '../src/ui/protocol';
import type { ChannelMessage, SavedState, ViewerChannel } from './channel';

export type { SavedState };

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: SavedState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** VS Code allows acquireVsCodeApi() once per page: call this once. */
export function vscodeChannel(): ViewerChannel {
  const api = acquireVsCodeApi();
  return {
    post(message: WebviewMessage): void {
      api.postMessage(message);
    },
    loadState(): SavedState | undefined {
      const state = api.getState() as Partial<SavedState> | undefined | null;
      return state && state.version === 1 ? (state as SavedState) : undefined;
    },
    saveState(state: SavedState): void {
      api.setState(state);
    },
    /** Messages from the extension host. VS Code delivers them as window message events. */
    onMessage(listener: (message: ChannelMessage) => void): void {
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        const data = event.data;
        if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') {
          listener(data as HostMessage);
        }
      });
    },
  };
}
