// xterm.js creates <style> elements at run time (DOM renderer colours, sizes). The CSP allows
// styles only from the bundle or with this page's nonce, so every <style> created here gets the
// nonce of the script that runs us. This keeps 'unsafe-inline' out of the CSP.
export function stampStyleNonces(): void {
  const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce;
  if (!nonce) return;
  const create = document.createElement.bind(document);
  document.createElement = function createElement(tagName: string, options?: ElementCreationOptions): HTMLElement {
    const element = create(tagName, options);
    if (tagName.toLowerCase() === 'style') element.setAttribute('nonce', nonce);
    return element;
  } as typeof document.createElement;
}
