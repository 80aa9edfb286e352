// The read-only keyboard: no key, paste or IME text ever becomes terminal input. The terminal is
// created with disableStdin and nobody listens to onData/onBinary; this file additionally keeps
// keys from reaching xterm.js at all, turns the few keys a viewer needs (copy, find, select all,
// scrolling) into their actions, and reports the first attempt to type so the user learns why
// nothing happens.
import type { Terminal } from '@xterm/xterm';

export interface ReadOnlyActions {
  copy(text: string): void;
  find(): void;
  /** Called once per attempt to type or paste; the caller decides how often to tell the user. */
  inputAttempted(): void;
}

const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock', 'NumLock', 'ScrollLock', 'Fn', 'OS']);
/** Keys that move focus or belong to VS Code; letting them pass is not typing. */
const PASS_THROUGH_KEYS = new Set(['Tab', 'Escape', 'ContextMenu']);

function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform);
}

/** Scrolling keys act on the scrollback, as they would in a pager. Returns whether it handled one. */
function scroll(terminal: Terminal, event: KeyboardEvent): boolean {
  switch (event.key) {
    case 'PageUp': terminal.scrollPages(-1); return true;
    case 'PageDown': terminal.scrollPages(1); return true;
    case 'Home': if (event.ctrlKey || event.shiftKey) { terminal.scrollToTop(); return true; } return false;
    case 'End': if (event.ctrlKey || event.shiftKey) { terminal.scrollToBottom(); return true; } return false;
    case 'ArrowUp': if (event.shiftKey || event.ctrlKey) { terminal.scrollLines(-1); return true; } return false;
    case 'ArrowDown': if (event.shiftKey || event.ctrlKey) { terminal.scrollLines(1); return true; } return false;
    default: return false;
  }
}

/**
 * Would this key type something in a terminal? Printable keys, Enter, Backspace, arrows and
 * Ctrl+letter do; shortcuts with Alt/Meta or Ctrl+Shift are left to VS Code and are not attempts.
 */
function isTyping(event: KeyboardEvent): boolean {
  if (MODIFIER_KEYS.has(event.key) || PASS_THROUGH_KEYS.has(event.key)) return false;
  if (event.metaKey || event.altKey) return false;
  if (event.ctrlKey && event.shiftKey) return false;
  if (/^F\d+$/.test(event.key)) return false;
  return true;
}

export function makeReadOnly(terminal: Terminal, actions: ReadOnlyActions): void {
  const primary = (event: KeyboardEvent) => (isMac() ? event.metaKey : event.ctrlKey);

  terminal.attachCustomKeyEventHandler((event) => {
    // Returning false tells xterm.js not to process the event at all (keydown, keypress, keyup).
    if (event.type !== 'keydown') return false;
    const key = event.key.toLowerCase();
    const selection = terminal.getSelection();
    if (key === 'c' && primary(event) && (event.shiftKey || selection)) {
      if (selection) actions.copy(selection);
      event.preventDefault();
      return false;
    }
    if (key === 'insert' && event.ctrlKey && selection) {
      actions.copy(selection);
      return false;
    }
    if (key === 'f' && primary(event) && !event.altKey) {
      event.preventDefault();
      actions.find();
      return false;
    }
    if (key === 'a' && primary(event) && !event.shiftKey) {
      event.preventDefault();
      terminal.selectAll();
      return false;
    }
    if (scroll(terminal, event)) {
      event.preventDefault();
      return false;
    }
    if (isTyping(event)) {
      event.preventDefault();
      actions.inputAttempted();
    }
    return false;
  });

  const element = terminal.element;
  if (!element) throw new Error('makeReadOnly needs an opened terminal');
  // Paste, drop and IME/"insertText" input bypass the key handler; stop them before xterm.js sees them.
  const refuse = (event: Event) => {
    event.preventDefault();
    event.stopImmediatePropagation();
    actions.inputAttempted();
  };
  element.addEventListener('paste', refuse, true);
  element.addEventListener('drop', refuse, true);
  element.addEventListener('beforeinput', refuse, true);
  element.addEventListener('input', (event) => {
    event.stopImmediatePropagation();
    if (terminal.textarea) terminal.textarea.value = '';
  }, true);
  element.addEventListener('compositionstart', (event) => event.stopImmediatePropagation(), true);
  element.addEventListener('compositionend', (event) => {
    event.stopImmediatePropagation();
    actions.inputAttempted();
  }, true);
}
