// What the harness and the suite inside VS Code tell each other (through code-server's
// environment, which its extension host inherits). Under @vscode/test-electron neither is set
// and run()'s promise alone carries the outcome.

/** Where the suite writes its SuiteResult as JSON. */
export const RESULT_ENV = 'GUEST_BROADCAST_VSCODE_RESULT';
/** A throwaway folder for the suite's sockets (the harness ends any tmux server left in it). */
export const TMP_ENV = 'GUEST_BROADCAST_VSCODE_TMP';

export interface SuiteResult {
  passed: number;
  failed: number;
  /** Full titles of mocha's pending tests: it.skip, describe.skip and this.skip() alike. */
  pending: string[];
  failures: Array<{ title: string; error: string }>;
}

/**
 * A folder through which the suite (in the extension host) asks the harness (which drives the
 * workbench page in Chromium) to look at or act on the page: see PageRequest. Unset when no
 * page driver is present (e.g. under @vscode/test-electron); tests that need it skip then.
 *
 * Protocol: the suite writes `<id>.request.json` (a PageRequest), the harness performs it and
 * writes `<id>.response.json` (a PageResponse). Both are written to a temp name and renamed,
 * so a reader never sees half a file. Requests are served one at a time, in arrival order.
 */
export const PAGE_BRIDGE_ENV = 'GUEST_BROADCAST_VSCODE_PAGE_BRIDGE';

export type PageRequest =
  /** The text (innerText) of `selector` in every frame of the page that has it; webviews are nested iframes. */
  | { kind: 'frameText'; selector: string }
  /** Clicks `selector` in the one frame that has it (focusing it), types `text`, then presses `press` keys (Playwright names: "Enter"). Fails unless exactly one frame has it. */
  | { kind: 'type'; selector: string; text: string; press?: string[] }
  /**
   * Clicks `selector` in the one frame that has it, then pastes `text` into the focused element as
   * the browser does: a `paste` ClipboardEvent carrying it as text/plain. (Ctrl+V would need the
   * system clipboard, which a headless browser does not share.) Fails unless exactly one frame has it.
   */
  | { kind: 'paste'; selector: string; text: string }
  /** A PNG of the whole page, saved where the harness keeps test results; the response gives its path. */
  | { kind: 'screenshot'; name: string }
  /**
   * Where `selector` is drawn (getBoundingClientRect, CSS px, in its frame) and its attributes,
   * in every frame that has it: what sizes and states the user sees.
   */
  | { kind: 'frameBox'; selector: string };

/** One element's box and attributes, as frameBox reports it. */
export interface ElementBox {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Every attribute of the element (data-state, hidden, aria-pressed…). */
  attributes: Record<string, string>;
  /** Its number of child elements (xterm.js draws one per row). */
  children: number;
  /** Computed style values the tests read. */
  style: { opacity: string; display: string; visibility: string; fontSize: string };
}

export type PageResponse =
  | { ok: true; frames?: Array<{ url: string; text: string }>; path?: string; boxes?: ElementBox[] }
  | { ok: false; error: string };
