// xterm.js styles the page at run time in two ways a strict CSP (no 'unsafe-inline') refuses:
//   - it creates <style> elements (DOM renderer colours, sizes): every <style> created here gets
//     the nonce of the script that runs us;
//   - its DOM renderer colours single cells with setAttribute('style', …): the selection
//     highlight and every 24-bit colour. CSP blocks style attributes set that way, but not the
//     same declarations set through the CSSOM (element.style), which a script may always do; so
//     a script's setAttribute('style', …) is turned into exactly that. Markup with a style
//     attribute (innerHTML, the parser) is still refused.
// This keeps 'unsafe-inline' out of the CSP of both pages that run the viewer.
export function stampStyleNonces(): void {
  const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce;
  if (!nonce) return;
  const create = document.createElement.bind(document);
  document.createElement = function createElement(tagName: string, options?: ElementCreationOptions): HTMLElement {
    const element = create(tagName, options);
    if (tagName.toLowerCase() === 'style') element.setAttribute('nonce', nonce);
    return element;
  } as typeof document.createElement;
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function setAttributeViaCssom(this: Element, name: string, value: string): void {
    if (name.toLowerCase() === 'style' && (this instanceof HTMLElement || this instanceof SVGElement)) {
      this.style.cssText = String(value);
      return;
    }
    setAttribute.call(this, name, value);
  };
}
