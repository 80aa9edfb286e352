// Fit mode in the real workbench: the viewer takes the host's window size (told over the
// host-size channel, src/wire/hostSize.ts), scales its font so all of it shows in the panel,
// follows the host when its window changes, and the footer's toggle switches to "my size"
// (remembered per host) with both sizes shown. What is asserted is what the user sees: the
// footer's text, the number of rows xterm.js draws, where the screen is drawn, and the size tmux
// gives the guest's client. Needs the harness's page bridge (skips without it).
import assert from 'node:assert/strict';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { listClients } from '../../../src/tmux/clients';
import { readHostSize } from '../../../src/tmux/hostSize';
import { Tmux } from '../../../src/tmux/tmux';
import type { GuestBroadcastApi } from '../../../src/ui/api';
import type { TerminalSize } from '../../../src/wire/hostSize';
import { extensionApi, freePort, hostTerminalAttached, resetSettings, setSettings, socketDir, waitUntil } from './helpers';
import { click, pageBridgeAvailable, screenshotFor } from './pageBridge';
import { viewerTabs, trustLoopbackHost, inPage, pageText as one, pageBox as box } from './viewerPages';

const SESSION = 'fit';

/** The read-only tmux clients' sizes (the embedded server's size groups). */
async function guestClientSizes(tmux: Tmux): Promise<string[]> {
  return (await listClients(tmux)).filter((c) => c.readOnly).map((c) => `${c.cols}x${c.rows}`);
}

const label = (s: TerminalSize): string => `${s.cols}x${s.rows}`;

/** waitUntil for a value: resolves with it once it is there. */
async function present<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  return (await waitUntil(what, check, timeoutMs)) as T;
}

describe('fit mode: the viewer shows the host\'s whole screen (real workbench)', function () {
  this.timeout(120_000);
  let api: GuestBroadcastApi;
  let tmux: Tmux;
  let target: string;

  before(async function () {
    if (!pageBridgeAvailable() || !homedir().startsWith(tmpdir())) this.skip();
    api = await extensionApi();
    tmux = new Tmux(join(socketDir('gb-fit-'), 'sock', 'guest'));
    const port = await freePort();
    target = `guest@127.0.0.1:${port}`;
    await vscode.workspace.getConfiguration('terminal.integrated').update('gpuAcceleration', 'off', vscode.ConfigurationTarget.Global);
    await setSettings({ mode: 'embedded', socketPath: tmux.socketPath, sessionName: SESSION, listen: `127.0.0.1:${port}`, access: 'open', notifyOnJoin: false });
    await vscode.commands.executeCommand('guestBroadcast.start');
    await hostTerminalAttached(api, tmux);
    await trustLoopbackHost(port);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshotFor(`failed-${this.currentTest.title}`);
  });

  after(async () => {
    if (!api) return;
    await vscode.window.tabGroups.close(viewerTabs());
    await vscode.commands.executeCommand('guestBroadcast.stop');
    await tmux.killServer().catch(() => undefined);
    await vscode.commands.executeCommand('workbench.action.editorLayoutSingle');
    await vscode.workspace.getConfiguration('terminal.integrated').update('gpuAcceleration', undefined, vscode.ConfigurationTarget.Global);
    await resetSettings();
  });

  it('the host terminal opens in the editor area, and the status bar tooltip names the host window size', async () => {
    // The workbench lists the tab a moment after the terminal attaches: wait for it, bounded.
    await present('the host terminal as a tab in the editor area', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTerminal && t.label.includes('Guest Broadcast (host)')), 15_000);
    const host = await present('the host window size', () => readHostSize(tmux), 10_000);
    const tooltip = await present('the tooltip with the window size', () => (api.statusBarTooltip?.includes(`Your window: ${label(host)}`) ? api.statusBarTooltip : undefined), 15_000);
    assert.match(tooltip, /guests in fit mode see this size/);
  });

  it('fit (the default): the viewer takes the host\'s size, all of it inside the panel, in the host-size group', async () => {
    await vscode.commands.executeCommand('guestBroadcast.watch', target);
    await waitUntil('the viewer tab', () => viewerTabs().find((t) => t.label === `Watching ${target}`));
    await waitUntil('Live in the footer', async () => (await one(target, '#status-text')).startsWith('Live'), 30_000);
    const host = await present('the host window size', () => readHostSize(tmux), 10_000);
    // The footer names the mode and the host's size.
    await waitUntil('the host size in the footer', async () => (await one(target, '#status-sizes')) === label(host), 15_000);
    assert.equal(await one(target, '#status-size-mode'), 'Fit');
    // xterm.js draws exactly the host's rows, and the screen is inside the terminal area.
    await waitUntil('host rows drawn', async () => (await box(target, '#terminal .xterm-rows')).children === host.rows, 10_000);
    const area = await box(target, '#terminal');
    const screen = await box(target, '#terminal .xterm-screen');
    assert.ok(screen.width <= area.width && screen.height <= area.height, `screen ${screen.width}x${screen.height} in ${area.width}x${area.height}`);
    // The whole screen is drawn: the last row (tmux's status line) is there.
    const rows = (await one(target, '#terminal .xterm-rows')).split('\n');
    assert.match(rows.at(-1) ?? '', new RegExp(`\\[${SESSION}\\]`), 'tmux\'s status line (the last row) is not shown');
    // The guest's tmux client has the host's size: fit viewers share the host-size group.
    await waitUntil('the guest client at the host size', async () => (await guestClientSizes(tmux)).includes(label(host)), 15_000);
    await screenshotFor('fit-mode');
  });

  it('fit follows the host when its window changes size', async () => {
    const before = await present('the host window size', () => readHostSize(tmux), 10_000);
    // The viewer moves to a group of its own beside the host terminal: the host's window narrows.
    await vscode.commands.executeCommand('workbench.action.moveEditorToNextGroup');
    const after = await present('the host window to change size', async () => {
      const now = await readHostSize(tmux);
      return now && label(now) !== label(before) ? now : undefined;
    }, 20_000);
    await waitUntil('the new host size in the footer', async () => (await one(target, '#status-sizes')) === label(after), 15_000);
    await waitUntil('the new host rows drawn', async () => (await box(target, '#terminal .xterm-rows')).children === after.rows, 10_000);
    const area = await box(target, '#terminal');
    const screen = await box(target, '#terminal .xterm-screen');
    assert.ok(screen.width <= area.width && screen.height <= area.height, `screen ${screen.width}x${screen.height} in ${area.width}x${area.height}`);
    await waitUntil('the guest client at the new host size', async () => (await guestClientSizes(tmux)).includes(label(after)), 15_000);
    await screenshotFor('fit-mode-narrow');
  });

  it('"My size" uses the panel\'s own size and says how it differs; the choice is remembered for the host', async () => {
    const host = await present('the host window size', () => readHostSize(tmux), 10_000);
    await click(inPage(target, '#status-size-mode'));
    await waitUntil('the toggle to say My size', async () => (await one(target, '#status-size-mode')) === 'My size', 10_000);
    const sizes = await present('both sizes in the footer', async () => {
      const text = await one(target, '#status-sizes');
      return /^host \d+x\d+, you \d+x\d+$/.test(text) ? text : undefined;
    }, 10_000);
    assert.ok(sizes.startsWith(`host ${label(host)}, you `), sizes);
    const mine = sizes.slice(sizes.indexOf('you ') + 4);
    // The page draws that many rows, and tmux gives the guest's client that size.
    assert.equal((await box(target, '#terminal .xterm-rows')).children, Number(mine.split('x')[1]));
    await waitUntil('the guest client at the panel size', async () => (await guestClientSizes(tmux)).includes(mine), 15_000);
    await screenshotFor('my-size-mode');
    // Closed and opened again: still "My size" for this host.
    await vscode.window.tabGroups.close(viewerTabs());
    await vscode.commands.executeCommand('guestBroadcast.watch', target);
    await waitUntil('the reopened viewer', async () => (await one(target, '#status-size-mode')) === 'My size', 20_000);
    // Back to fit for whoever runs next.
    await click(inPage(target, '#status-size-mode'));
    await waitUntil('the toggle to say Fit', async () => (await one(target, '#status-size-mode')) === 'Fit', 10_000);
  });
});
