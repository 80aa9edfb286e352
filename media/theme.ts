// Terminal colours from VS Code's theme. VS Code puts every theme colour on the webview's root
// element as a --vscode-* CSS variable and updates them when the theme changes; the integrated
// terminal's own colours (terminal.*) are used, falling back the way the terminal does.
import type { ITheme } from '@xterm/xterm';

const ANSI = ['Black', 'Red', 'Green', 'Yellow', 'Blue', 'Magenta', 'Cyan', 'White'] as const;

function cssVar(style: CSSStyleDeclaration, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = style.getPropertyValue(`--vscode-${name}`).trim();
    if (value) return value;
  }
  return undefined;
}

export function themeFromCss(): ITheme {
  const style = getComputedStyle(document.documentElement);
  // A panel in the editor area, like a terminal moved into the editor: editor background.
  const background = cssVar(style, 'terminal-background', 'editor-background') ?? '#1e1e1e';
  const foreground = cssVar(style, 'terminal-foreground', 'editor-foreground') ?? '#cccccc';
  const theme: ITheme = {
    background,
    foreground,
    cursor: cssVar(style, 'terminalCursor-foreground') ?? foreground,
    cursorAccent: cssVar(style, 'terminalCursor-background') ?? background,
    selectionBackground: cssVar(style, 'terminal-selectionBackground', 'editor-selectionBackground'),
    selectionInactiveBackground: cssVar(style, 'terminal-inactiveSelectionBackground', 'editor-inactiveSelectionBackground'),
    selectionForeground: cssVar(style, 'terminal-selectionForeground'),
  };
  const colours = theme as Record<string, string | undefined>;
  for (const name of ANSI) {
    const lower = name.toLowerCase();
    colours[lower] = cssVar(style, `terminal-ansi${name}`);
    colours[`bright${name}`] = cssVar(style, `terminal-ansiBright${name}`);
  }
  // Unset entries keep xterm.js's defaults instead of becoming "undefined".
  for (const key of Object.keys(colours)) if (colours[key] === undefined) delete colours[key];
  return theme;
}

/** Calls `changed` when VS Code swaps the theme (it rewrites the root style and the body class). */
export function watchTheme(changed: () => void): void {
  let queued = false;
  const schedule = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      changed();
    });
  };
  const observer = new MutationObserver(schedule);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
