// What the viewer tests of the VS Code suite share: trusting a loopback host's key the way a
// user's known_hosts would, the open viewer tabs, and reading one viewer's page (the host's own
// terminal is an xterm too, so every selector is scoped to the viewer whose data-spec it names).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { frameBoxes, frameTexts } from './pageBridge';

/** `ssh-keyscan`'s known_hosts lines for a loopback port: the real OpenSSH tool reads the host's key. */
export function keyscan(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ssh-keyscan', ['-T', '5', '-p', String(port), '127.0.0.1'], { timeout: 15_000 }, (error, stdout) => {
      if (error || !stdout.trim()) reject(new Error(`ssh-keyscan found no host key on port ${port}: ${error?.message ?? 'empty output'}`));
      else resolve(stdout);
    });
  });
}

/** Adds the key the server on `port` presents to ~/.ssh/known_hosts (HOME is the suite's throwaway). */
export async function trustLoopbackHost(port: number): Promise<void> {
  mkdirSync(join(homedir(), '.ssh'), { recursive: true, mode: 0o700 });
  appendFileSync(join(homedir(), '.ssh', 'known_hosts'), await keyscan(port));
}

export function viewerTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) =>
    t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('guestBroadcast.viewer'));
}

/** A selector in one viewer's page only. */
export function inPage(spec: string, selector: string): string {
  return `body[data-spec="${spec}"] ${selector}`;
}

/** The text of the one element `selector` names in that viewer's page ('' when there is none). */
export async function pageText(spec: string, selector: string): Promise<string> {
  const texts = await frameTexts(inPage(spec, selector));
  assert.ok(texts.length <= 1, `${texts.length} frames have ${selector}`);
  return texts[0] ?? '';
}

/** The box of the one element `selector` names in that viewer's page. */
export async function pageBox(spec: string, selector: string) {
  const boxes = await frameBoxes(inPage(spec, selector));
  assert.equal(boxes.length, 1, `${boxes.length} frames have ${selector}`);
  return boxes[0];
}
