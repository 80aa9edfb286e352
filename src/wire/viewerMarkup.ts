// The viewer's own markup: the elements media/viewerApp.ts (and its statusLine.ts, searchBox.ts)
// look up by id. Both pages that run the viewer build their HTML around this one block: the VS
// Code webview (src/ui/watcher/watcherHtml.ts) and the browser route's page (src/host/web/pageHtml.ts).
// Plain strings, no Node or DOM imports.

/** Text for HTML content and attribute values (both quote kinds). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The terminal, the notice, the Find box and the footer. `label` is plain text (escaped here). */
export function viewerMarkup(label: string): string {
  const text = escapeHtml(label);
  return `<div id="viewer">
  <div id="terminal" aria-label="Read-only terminal: ${text}"></div>
  <div id="notice" role="status" aria-live="polite" hidden></div>
  <div id="search" role="search" hidden>
    <input id="search-input" type="text" placeholder="Find" aria-label="Find in terminal" spellcheck="false" autocomplete="off">
    <span id="search-count" aria-live="polite"></span>
    <button type="button" id="search-prev" title="Previous match (Shift+Enter)" aria-label="Previous match">&#8593;</button>
    <button type="button" id="search-next" title="Next match (Enter)" aria-label="Next match">&#8595;</button>
    <button type="button" id="search-close" title="Close (Escape)" aria-label="Close search">&#215;</button>
  </div>
  <div id="status">
    <span id="status-dot" class="dot connecting"></span>
    <span id="status-text" role="status" aria-live="polite">Connecting to ${text}…</span>
    <button type="button" id="status-action" hidden></button>
    <span class="spacer"></span>
    <span id="status-sizes"></span>
    <button type="button" id="status-size-mode"></button>
    <button type="button" id="status-search" title="Find (Ctrl+F)">Find</button>
    <span class="badge" title="Keys typed here are never sent to the host">read-only</span>
  </div>
</div>`;
}
