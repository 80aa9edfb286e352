// The harness's half of the page bridge (see PAGE_BRIDGE_ENV in ../suite/contract.ts): the suite
// runs in the extension host and cannot reach the browser page; this polls the bridge folder for
// its requests and performs them on the workbench page with Playwright. Every page action is
// bounded by ACTION_TIMEOUT_MS, and polling ends with stop().
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { ElementBox, PageRequest, PageResponse } from '../suite/contract';

const POLL_MS = 100;
const ACTION_TIMEOUT_MS = 10_000;

export interface PageBridge {
  stop(): Promise<void>;
}

/** innerText of `selector` in `frame`, or undefined when the frame does not have it (or is gone). */
async function textIn(frame: Frame, selector: string): Promise<string | undefined> {
  try {
    // Runs in the page; the harness compiles without the DOM's types, so it names what it uses.
    return await frame.evaluate((s) => {
      type Element = { innerText?: string; textContent: string | null };
      const page = globalThis as unknown as { document: { querySelector(selector: string): Element | null } };
      const element = page.document.querySelector(s);
      return element ? (element.innerText ?? element.textContent ?? '') : undefined;
    }, selector);
  } catch {
    return undefined; // detached or navigating while we asked
  }
}

/** Box, attributes and a few computed styles of `selector` in `frame` (see ElementBox), or undefined. */
async function boxIn(frame: Frame, selector: string): Promise<ElementBox | undefined> {
  try {
    return await frame.evaluate((s) => {
      type Element = {
        getBoundingClientRect(): { x: number; y: number; width: number; height: number };
        attributes: ArrayLike<{ name: string; value: string }>;
        childElementCount: number;
      };
      const page = globalThis as unknown as {
        document: { querySelector(selector: string): Element | null };
        getComputedStyle(e: Element): { opacity: string; display: string; visibility: string; fontSize: string };
      };
      const element = page.document.querySelector(s);
      if (!element) return undefined;
      const r = element.getBoundingClientRect();
      const attributes: Record<string, string> = {};
      for (const a of Array.from(element.attributes)) attributes[a.name] = a.value;
      const cs = page.getComputedStyle(element);
      return {
        x: r.x, y: r.y, width: r.width, height: r.height, attributes, children: element.childElementCount,
        style: { opacity: cs.opacity, display: cs.display, visibility: cs.visibility, fontSize: cs.fontSize },
      };
    }, selector);
  } catch {
    return undefined;
  }
}

async function framesWith(page: Page, selector: string): Promise<Array<{ frame: Frame; text: string }>> {
  const found: Array<{ frame: Frame; text: string }> = [];
  for (const frame of page.frames()) {
    const text = await textIn(frame, selector);
    if (text !== undefined) found.push({ frame, text });
  }
  return found;
}

async function perform(page: Page, request: PageRequest, screenshotDir: string): Promise<PageResponse> {
  switch (request.kind) {
    case 'frameText': {
      const found = await framesWith(page, request.selector);
      return { ok: true, frames: found.map(({ frame, text }) => ({ url: frame.url(), text })) };
    }
    case 'type': {
      // Typing into the wrong place (the workbench's own terminal also has .xterm-screen) would
      // make a test prove nothing: the selector must pick exactly one frame.
      const found = await framesWith(page, request.selector);
      if (found.length !== 1) return { ok: false, error: `${found.length} frames of the page have ${request.selector}; the selector must match in exactly one` };
      const [first] = found;
      await first.frame.click(request.selector, { timeout: ACTION_TIMEOUT_MS });
      await page.keyboard.type(request.text);
      for (const key of request.press ?? []) await page.keyboard.press(key);
      return { ok: true, frames: [{ url: first.frame.url(), text: first.text }] };
    }
    case 'paste': {
      const found = await framesWith(page, request.selector);
      if (found.length !== 1) return { ok: false, error: `${found.length} frames of the page have ${request.selector}; the selector must match in exactly one` };
      const [first] = found;
      await first.frame.click(request.selector, { timeout: ACTION_TIMEOUT_MS });
      const pasted = await first.frame.evaluate((text) => {
        // Runs in the page (the harness compiles without the DOM's types).
        type Target = { dispatchEvent(event: unknown): boolean };
        const page = globalThis as unknown as {
          document: { activeElement: Target | null };
          DataTransfer: new () => { setData(type: string, value: string): void };
          ClipboardEvent: new (type: string, init: { clipboardData: unknown; bubbles: boolean; cancelable: boolean }) => unknown;
        };
        const target = page.document.activeElement;
        if (!target) return false;
        const clipboardData = new page.DataTransfer();
        clipboardData.setData('text/plain', text);
        target.dispatchEvent(new page.ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
        return true;
      }, request.text);
      if (!pasted) return { ok: false, error: `nothing had the focus after clicking ${request.selector}` };
      return { ok: true, frames: [{ url: first.frame.url(), text: first.text }] };
    }
    case 'frameBox': {
      const boxes: ElementBox[] = [];
      for (const frame of page.frames()) {
        const box = await boxIn(frame, request.selector);
        if (box) boxes.push(box);
      }
      return { ok: true, boxes };
    }
    case 'screenshot': {
      mkdirSync(screenshotDir, { recursive: true });
      const path = join(screenshotDir, `${request.name.replace(/[^\w.-]+/g, '-').slice(0, 100)}.png`);
      await page.screenshot({ path, timeout: ACTION_TIMEOUT_MS });
      return { ok: true, path };
    }
    default:
      return { ok: false, error: `unknown request ${JSON.stringify(request)}` };
  }
}

function writeAtomically(path: string, value: unknown): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(value));
  renameSync(`${path}.tmp`, path);
}

export function servePageBridge(page: Page, dir: string, screenshotDir: string, log: (line: string) => void): PageBridge {
  mkdirSync(dir, { recursive: true });
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const requests = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.request.json')).sort() : [];
      for (const file of requests) {
        if (stopped) break;
        const id = file.slice(0, -'.request.json'.length);
        let response: PageResponse;
        try {
          const request = JSON.parse(readFileSync(join(dir, file), 'utf8')) as PageRequest;
          response = await Promise.race([
            perform(page, request, screenshotDir),
            new Promise<PageResponse>((r) => setTimeout(() => r({ ok: false, error: `the page did not answer within ${ACTION_TIMEOUT_MS} ms` }), ACTION_TIMEOUT_MS + 2000)),
          ]);
          if (request.kind === 'screenshot' && response.ok) log(`screenshot: ${response.path}`);
        } catch (error) {
          response = { ok: false, error: error instanceof Error ? error.message : String(error) };
        }
        rmSync(join(dir, file), { force: true });
        writeAtomically(join(dir, `${id}.response.json`), response);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop.catch(() => undefined);
    },
  };
}
