// The suite's half of the page bridge (see PAGE_BRIDGE_ENV in contract.ts): asks the harness,
// which drives the workbench page in Chromium, to read or act on the page. Every call is bounded.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ElementBox, PAGE_BRIDGE_ENV, PageRequest, PageResponse } from './contract';

let counter = 0;

/** Whether a page driver serves the bridge (the project's harness); tests that need it skip otherwise. */
export function pageBridgeAvailable(): boolean {
  return Boolean(process.env[PAGE_BRIDGE_ENV]);
}

/** Sends one request and waits (at most `timeoutMs`) for its response; rejects when the page action failed. */
export async function pageRequest(request: PageRequest, timeoutMs = 20_000): Promise<PageResponse & { ok: true }> {
  const dir = process.env[PAGE_BRIDGE_ENV];
  if (!dir) throw new Error(`${PAGE_BRIDGE_ENV} is not set: no page driver is running this suite.`);
  // Zero-padded, so the harness's sorted listing serves requests in the order they were made.
  const id = `${process.pid}-${String(++counter).padStart(6, '0')}`;
  const requestFile = join(dir, `${id}.request.json`);
  writeFileSync(`${requestFile}.tmp`, JSON.stringify(request));
  renameSync(`${requestFile}.tmp`, requestFile);
  const responseFile = join(dir, `${id}.response.json`);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(responseFile)) {
    if (Date.now() > deadline) {
      rmSync(requestFile, { force: true });
      throw new Error(`the page bridge did not answer ${JSON.stringify(request)} within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const response = JSON.parse(readFileSync(responseFile, 'utf8')) as PageResponse;
  rmSync(responseFile, { force: true });
  if (!response.ok) throw new Error(`the page could not do ${JSON.stringify(request)}: ${response.error}`);
  return response;
}

/** The text of `selector` in every frame that has it (webviews are iframes nested in the workbench). */
export async function frameTexts(selector: string): Promise<string[]> {
  return ((await pageRequest({ kind: 'frameText', selector })).frames ?? []).map((f) => f.text);
}

/** Box and attributes of `selector` in every frame that has it. */
export async function frameBoxes(selector: string): Promise<ElementBox[]> {
  return (await pageRequest({ kind: 'frameBox', selector })).boxes ?? [];
}

/** Clicks `selector` in the one frame that has it. */
export async function click(selector: string): Promise<void> {
  await pageRequest({ kind: 'type', selector, text: '' });
}

/** A screenshot of the workbench for a failed test; never throws (it only helps to diagnose). */
export async function screenshotFor(name: string): Promise<string | undefined> {
  if (!pageBridgeAvailable()) return undefined;
  return pageRequest({ kind: 'screenshot', name }).then((r) => r.path, () => undefined);
}
