// Copy for the web page (the VS Code panel copies through the extension instead). The async
// Clipboard API needs a secure context (https, or http on loopback); a page served over plain
// http on a LAN address has none, so the old way is the fallback: select the text in a hidden
// field and run the browser's own copy command, inside the same user gesture.
export async function copyText(text: string): Promise<boolean> {
  if (window.isSecureContext && navigator.clipboard) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Refused (no permission, page not focused): try the old way.
    }
  }
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
  const field = document.createElement('textarea');
  field.value = text;
  field.readOnly = true;
  field.className = 'copy-buffer';
  field.setAttribute('aria-hidden', 'true');
  document.body.append(field);
  field.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  field.remove();
  focused?.focus();
  return copied;
}
