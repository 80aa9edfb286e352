// Reading the real workbench from a suite test (through the page bridge): an element's text, the
// command palette's rows, the notification center. One copy for every suite file.
import * as vscode from 'vscode';
import { waitUntil } from './helpers';
import { frameTexts, screenshotFor } from './pageBridge';

/** The workbench's own text for `selector` (every frame that has it), '' when absent. */
export async function workbenchText(selector: string): Promise<string> {
  return (await frameTexts(selector)).join('\n');
}

/** The command palette's rows for what was typed after ">". */
export async function paletteRows(query: string): Promise<string> {
  await vscode.commands.executeCommand('workbench.action.quickOpen', `>${query}`);
  // The list settles after the filter runs: read it until two reads agree.
  let last = '';
  const rows = await waitUntil('the palette rows', async () => {
    const now = await workbenchText('.quick-input-widget .quick-input-list');
    const same = now === last;
    last = now;
    return same ? now || ' ' : undefined;
  }, 10_000);
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  return String(rows);
}

/**
 * The notifications' text as the notification center lists them (toasts do not show in the
 * headless workbench; the center does), waiting until one includes `part`.
 */
export async function notification(part: string, timeoutMs = 15_000): Promise<string> {
  return String(await waitUntil(`a notification with "${part}"`, async () => {
    await vscode.commands.executeCommand('notifications.showList');
    const t = await workbenchText('.notifications-center .notifications-list-container');
    return t.includes(part) ? t : undefined;
  }, timeoutMs));
}

/** After a test: a screenshot when it failed, then no palette, notification list or toast left open for the next. */
export async function tidyWorkbench(test: { state?: string; title: string } | undefined): Promise<void> {
  if (test?.state === 'failed') await screenshotFor(`failed-${test.title}`);
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  await vscode.commands.executeCommand('notifications.hideList');
  await vscode.commands.executeCommand('notifications.clearAll');
}
