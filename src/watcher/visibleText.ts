// Text a server chose, shown to the person watching: keyboard-interactive names, instructions and
// prompts, the login banner, disconnect reasons, error texts and the last line a host printed.
// A hostile server can put escape sequences in any of them (a clipboard write, a title, a clear
// screen) and they would reach the watcher's own terminal before any output filter runs. So, as
// OpenSSH does (strnvis with VIS_SAFE|VIS_OCTAL), every control character is shown instead of
// acted on: each of its UTF-8 bytes as a backslash and three octal digits (ESC reads "\033").
// Also made visible: DEL, the C1 controls (U+0080-U+009F, which terminals honour like ESC forms),
// and the invisible characters that reorder or hide text (bidi overrides and isolates, zero-width
// marks, line and paragraph separators, BOM), so what is shown is what the server sent.
//
// No Node imports: the VS Code webview's code may use it too.

// Tab always stays; newline only where the text is several lines (banners, instructions).
const INVISIBLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;
const INVISIBLE_OR_NEWLINE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

const encoder = new TextEncoder();

function octal(char: string): string {
  return Array.from(encoder.encode(char), (b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
}

export interface VisibleTextOptions {
  /** Keep line breaks (CR LF and LF become LF; a lone CR is made visible). Default: one line. */
  lines?: boolean;
}

/** `text` with every control and invisible formatting character shown as octal escapes. */
export function visibleText(text: string, options: VisibleTextOptions = {}): string {
  if (options.lines) return text.replace(/\r\n/g, '\n').replace(INVISIBLE, octal);
  return text.replace(INVISIBLE_OR_NEWLINE, octal);
}
