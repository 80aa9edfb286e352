// The one message protocol between a viewer panel (extension host) and its webview (media/viewer.ts).
// Both sides import these types, so a message that one side sends and the other does not
// understand is a compile error, not a silent no-op.
//
// Read-only by construction: no webview→host message carries keystrokes, pasted text or the
// replies xterm.js generates to terminal queries. The webview can only say that it is ready,
// how big it is, that someone tried to type (no content), and what the user chose to copy.
//
// This file is bundled into the webview too: it imports types only, never a module with run-time code.
import type { WatchState } from '../watcher/types';
import type { TerminalSize } from '../wire/hostSize';
import { isWithinSizeLimits } from '../wire/terminalSizeLimits';

export type { TerminalSize, WatchState };

/**
 * How the viewer sizes its terminal. "fit": the host's size (cols x rows), the font scaled so the
 * whole screen fits the panel; "mine": as many cells as the panel holds at the terminal font
 * (the host's screen is cropped or padded by tmux when the sizes differ). Remembered per host.
 */
export type SizeMode = 'fit' | 'mine';
export const DEFAULT_SIZE_MODE: SizeMode = 'fit';

/** Terminal settings the webview applies, read from VS Code's `terminal.integrated.*`. */
export interface TerminalConfig {
  fontFamily: string;
  fontSize: number;
  lineHeight: number;
  letterSpacing: number;
  fontWeight: string;
  fontWeightBold: string;
  scrollback: number;
  /** "auto" and "on" try WebGL and fall back to the DOM renderer; "off" never tries it. */
  gpuAcceleration: 'auto' | 'on' | 'off';
  cursorBlink: boolean;
  minimumContrastRatio: number;
  /** VS Code's screen reader mode is on: xterm.js keeps an accessible copy of the screen. */
  screenReaderMode: boolean;
}

/** Extension host → webview. */
export type HostMessage =
  /** Bytes from the broadcast host, already filtered by the viewer; several chunks batched in one. */
  | { type: 'output'; data: Uint8Array }
  /** Where the connection stands, for the status line. */
  | { type: 'state'; state: WatchState; target: string }
  /** VS Code's colour theme changed: re-read the --vscode-* colours. */
  | { type: 'theme' }
  | { type: 'config'; config: TerminalConfig }
  /** The size mode, and the host's terminal size when its server tells it. */
  | { type: 'size'; mode: SizeMode; host?: TerminalSize };

/** Webview → extension host. */
export type WebviewMessage =
  /** The script runs and listens; the host may send from now on. Carries the fitted size. */
  | { type: 'ready'; cols: number; rows: number }
  /** The panel's own size in cells at the terminal font ("my size"), whatever the mode. */
  | { type: 'resize'; cols: number; rows: number }
  /** The user switched between fit and my size (the footer's toggle). */
  | { type: 'sizeMode'; mode: SizeMode }
  /** Retry now / Watch again: connect at once. */
  | { type: 'retry' }
  /** Someone typed or pasted into the read-only terminal. Sent at most once per webview; no content. */
  | { type: 'inputAttempt' }
  /** The user asked to copy their selection (the host writes it to the clipboard). */
  | { type: 'copy'; text: string };

/** The largest selection the host copies (characters). */
export const MAX_COPY_CHARS = 8 * 1024 * 1024;

/**
 * Checks a message from the webview before the host acts on it. The webview is our own code, but
 * it renders bytes from a remote host, so the host trusts only well-formed messages of known types.
 */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'resize':
      // Sizes outside the shared cap are ignored, not clamped.
      return isWithinSizeLimits(m.cols, m.rows) ? { type: m.type, cols: m.cols as number, rows: m.rows as number } : undefined;
    case 'inputAttempt':
      return { type: 'inputAttempt' };
    case 'sizeMode':
      return m.mode === 'fit' || m.mode === 'mine' ? { type: 'sizeMode', mode: m.mode } : undefined;
    case 'retry':
      return { type: 'retry' };
    case 'copy':
      return typeof m.text === 'string' && m.text.length <= MAX_COPY_CHARS ? { type: 'copy', text: m.text } : undefined;
    default:
      return undefined;
  }
}
