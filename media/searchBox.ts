// Find in the terminal's buffer (Ctrl/Cmd+F or the status line's Find button), with the search
// addon's match highlighting. Typing here searches; it never reaches the terminal.
import type { Terminal } from '@xterm/xterm';
import { SearchAddon, type ISearchOptions } from '@xterm/addon-search';

export class SearchBox {
  private readonly addon = new SearchAddon({ highlightLimit: 1000 });
  private readonly box = document.getElementById('search') as HTMLElement;
  private readonly input = document.getElementById('search-input') as HTMLInputElement;
  private readonly count = document.getElementById('search-count') as HTMLElement;

  constructor(private readonly terminal: Terminal) {
    terminal.loadAddon(this.addon);
    this.addon.onDidChangeResults(({ resultIndex, resultCount }) => {
      if (!this.input.value) this.count.textContent = '';
      else if (resultCount === 0) this.count.textContent = 'No results';
      else this.count.textContent = resultIndex >= 0 ? `${resultIndex + 1} of ${resultCount}` : `${resultCount}`;
    });
    this.input.addEventListener('input', () => this.find('next', true));
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        this.find(event.shiftKey ? 'previous' : 'next');
      } else if (event.key === 'Escape') {
        event.preventDefault();
        this.close();
      }
    });
    document.getElementById('search-next')?.addEventListener('click', () => this.find('next'));
    document.getElementById('search-prev')?.addEventListener('click', () => this.find('previous'));
    document.getElementById('search-close')?.addEventListener('click', () => this.close());
  }

  open(): void {
    this.box.hidden = false;
    const selection = this.terminal.getSelection();
    if (selection && !selection.includes('\n')) this.input.value = selection;
    this.input.select();
    this.input.focus();
    if (this.input.value) this.find('next', true);
  }

  close(): void {
    this.box.hidden = true;
    this.addon.clearDecorations();
    // The active match is shown as the terminal's selection: it would stay highlighted on the
    // live screen after Find is closed.
    const term = this.input.value.toLowerCase();
    if (term && this.terminal.getSelection().toLowerCase() === term) this.terminal.clearSelection();
    this.count.textContent = '';
    this.terminal.focus();
  }

  private options(incremental: boolean): ISearchOptions {
    const style = getComputedStyle(document.documentElement);
    // The addon takes #RRGGBB only; theme colours may carry alpha (#RRGGBBAA), which is dropped.
    const colour = (name: string, fallback: string) => {
      const value = style.getPropertyValue(`--vscode-${name}`).trim();
      return /^#[0-9a-f]{6}([0-9a-f]{2})?$/i.test(value) ? value.slice(0, 7) : fallback;
    };
    return {
      incremental,
      decorations: {
        matchBackground: colour('editor-findMatchHighlightBackground', '#623315'),
        matchOverviewRuler: colour('editorOverviewRuler-findMatchForeground', '#d18616'),
        activeMatchBackground: colour('editor-findMatchBackground', '#515c6a'),
        activeMatchColorOverviewRuler: colour('editorOverviewRuler-findMatchForeground', '#d18616'),
      },
    };
  }

  private find(direction: 'next' | 'previous', incremental = false): void {
    const term = this.input.value;
    if (!term) {
      this.addon.clearDecorations();
      this.count.textContent = '';
      return;
    }
    if (direction === 'next') this.addon.findNext(term, this.options(incremental));
    else this.addon.findPrevious(term, this.options(false));
  }
}
