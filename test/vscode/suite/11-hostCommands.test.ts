// The host's commands as a user meets them in the real workbench: the palette offers what fits
// the moment (context keys in `when` clauses), Start while broadcasting reopens the host terminal
// and mentions settings only when they changed, Stop asks before ending guests' views, a port in
// use offers Open Settings, Watch host… offers saved hosts and ssh aliases, and the status bar
// item reads well. Read through the page bridge (skips without it).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { listClients } from '../../../src/tmux/clients';
import { Tmux } from '../../../src/tmux/tmux';
import type { GuestBroadcastApi } from '../../../src/ui/api';
import { extensionApi, freePort, hostTerminalAttached, resetSettings, setSettings, socketDir, sshGuestArgv, TerminalProgram, waitUntil } from './helpers';
import { click, frameTexts, pageBridgeAvailable, pageRequest, screenshotFor } from './pageBridge';
import { workbenchText, paletteRows, notification } from './workbenchText';

async function closeToasts(): Promise<void> {
  await vscode.commands.executeCommand('notifications.clearAll');
}

describe('host commands that fit the moment (real workbench)', function () {
  this.timeout(150_000);
  let api: GuestBroadcastApi;
  let tmux: Tmux;
  let port: number;
  const guests: TerminalProgram[] = [];
  let blocker: Server | undefined;

  before(async function () {
    if (!pageBridgeAvailable() || !homedir().startsWith(tmpdir())) this.skip();
    api = await extensionApi();
    tmux = new Tmux(join(socketDir('gb-commands-'), 'sock', 'guest'));
    port = await freePort();
    await setSettings({ mode: 'embedded', socketPath: tmux.socketPath, sessionName: 'commands', listen: `127.0.0.1:${port}`, access: 'open', notifyOnJoin: false });
    await closeToasts();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshotFor(`failed-${this.currentTest.title}`);
    await vscode.commands.executeCommand('notifications.hideList');
    await closeToasts();
  });

  after(async () => {
    if (!api) return;
    for (const g of guests) await g.stop();
    blocker?.close();
    await setSettings({ confirmStop: false });
    await vscode.commands.executeCommand('guestBroadcast.stop');
    await tmux.killServer().catch(() => undefined);
    await vscode.window.tabGroups.close(vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === 'Settings'));
    await vscode.workspace.getConfiguration('guestBroadcast').update('hosts', undefined, vscode.ConfigurationTarget.Global);
    await resetSettings();
  });

  it('not broadcasting, open access: the palette has no Stop, Show viewers or passphrase commands', async () => {
    await waitUntil('the context keys', () => api.contextKeys.broadcasting === false && api.contextKeys.access === 'open', 5000);
    const rows = await paletteRows('Guest Broadcast: ');
    assert.match(rows, /Start guest broadcast/);
    assert.match(rows, /Watch host/);
    for (const hidden of ['Stop guest broadcast', 'Show viewers', 'Copy guest passphrase', 'Regenerate guest passphrase', 'Set up guest account', 'Check guest setup']) {
      assert.ok(!rows.includes(hidden), `"${hidden}" is offered:\n${rows}`);
    }
  });

  it('Copy guest passphrase with open access says one thing, and copies nothing', async () => {
    await vscode.env.clipboard.writeText('clipboard-before');
    await vscode.commands.executeCommand('guestBroadcast.copyPassphrase');
    const toasts = await notification('need no passphrase');
    assert.match(toasts, /nothing was copied/);
    assert.doesNotMatch(toasts, /copied the/i);
    assert.equal(await vscode.env.clipboard.readText(), 'clipboard-before');
  });

  it('broadcasting with password access: Stop, Show viewers and the passphrase commands are offered', async () => {
    await setSettings({ access: 'password' });
    await vscode.commands.executeCommand('guestBroadcast.start');
    await hostTerminalAttached(api, tmux);
    await waitUntil('the context keys', () => api.contextKeys.broadcasting && api.contextKeys.access === 'password' && api.contextKeys.mode === 'embedded', 5000);
    const rows = await paletteRows('Guest Broadcast: ');
    for (const shown of ['Stop guest broadcast', 'Show viewers', 'Copy guest passphrase']) assert.ok(rows.includes(shown), `"${shown}" is not offered:\n${rows}`);
    assert.ok(!rows.includes('Set up guest account'), 'a system-mode command is offered in embedded mode');
  });

  it('Start while broadcasting reopens a closed host terminal, and names changed settings only when there are some', async () => {
    api.hostTerminal?.dispose();
    await waitUntil('the host terminal to close', () => api.hostTerminal === undefined, 10_000);
    await closeToasts();
    await vscode.commands.executeCommand('guestBroadcast.start');
    await hostTerminalAttached(api, tmux);
    const first = await notification('already broadcasting');
    assert.doesNotMatch(first, /Changed settings/);
    await closeToasts();
    await setSettings({ maxViewers: 7 });
    await vscode.commands.executeCommand('guestBroadcast.start');
    const second = await notification('already broadcasting');
    assert.match(second, /Changed settings \(guestBroadcast\.maxViewers\) apply after Stop and Start/);
    await setSettings({ maxViewers: undefined });
  });

  it('Start while broadcasting replaces a host terminal whose tmux client has ended (the host detached)', async () => {
    const before = api.hostTerminal;
    assert.ok(before);
    const host = (await listClients(tmux)).find((c) => !c.readOnly);
    assert.ok(host, 'no read-write client');
    await tmux.run(['detach-client', '-t', host.name]);
    await waitUntil('the host client to go', async () => !(await listClients(tmux)).some((c) => !c.readOnly), 10_000);
    await vscode.commands.executeCommand('guestBroadcast.start');
    await hostTerminalAttached(api, tmux);
    assert.notEqual(api.hostTerminal, before, 'the dead host terminal was shown again');
  });

  it('the status bar item: a distinct glyph, the watch command as code (no mailto link), a plain accessible label', async () => {
    assert.equal(api.statusBarText, '$(eye) 0 viewers');
    const rendered = api.statusBarRendered;
    assert.ok(rendered);
    assert.match(rendered.markdown, /`ssh -p \d+ guest@127\.0\.0\.1`/);
    assert.doesNotMatch(rendered.accessibleLabel, /\*\*|&nbsp;|\\/);
    assert.match(rendered.accessibleLabel, /^Guest Broadcast: 0 viewers watching session commands\./);
  });

  it('Show viewers says how long in words; Stop with a guest watching asks first (unless told not to)', async () => {
    await setSettings({ access: 'open', confirmStop: true });
    // Restart with open access so a plain ssh guest gets in.
    await setSettings({ confirmStop: false });
    await vscode.commands.executeCommand('guestBroadcast.stop');
    await vscode.commands.executeCommand('guestBroadcast.start');
    await hostTerminalAttached(api, tmux);
    await setSettings({ confirmStop: true });
    const guest = new TerminalProgram(sshGuestArgv(port, 'dana'));
    guests.push(guest);
    await waitUntil('1 viewer', () => api.statusBarText === '$(eye) 1 viewer', 20_000);
    void vscode.commands.executeCommand('guestBroadcast.showViewers');
    const list = String(await waitUntil('the viewer list', async () => {
      const t = await workbenchText('.quick-input-widget .quick-input-list');
      return t.includes('dana') ? t : undefined;
    }, 10_000));
    assert.match(list, /watching for under a minute/);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');

    // The workbench under test refuses modal dialogs and says what it was asked to show: the
    // command asked (with the count), and the refusal kept the broadcast, as Cancel would.
    await closeToasts();
    await vscode.commands.executeCommand('guestBroadcast.stop');
    const asked = await notification('Stop the broadcast?');
    assert.match(asked, /Stop the broadcast\? 1 viewer is watching\./);
    assert.equal(api.status()?.broadcasting, true, 'the broadcast stopped without an answer');
    assert.equal(api.contextKeys.broadcasting, true);
    // With the setting off, Stop does not ask.
    await setSettings({ confirmStop: false });
    await vscode.commands.executeCommand('guestBroadcast.stop');
    await waitUntil('the broadcast to stop', () => api.status() === undefined, 20_000);
    await waitUntil('the context key', () => api.contextKeys.broadcasting === false, 5000);
  });

  it('a port in use is an error that offers Open Settings at guestBroadcast.listen', async () => {
    blocker = createServer();
    const busy = await freePort();
    await new Promise<void>((resolve) => blocker?.listen(busy, '127.0.0.1', resolve));
    await setSettings({ listen: `127.0.0.1:${busy}` });
    await closeToasts();
    await vscode.commands.executeCommand('guestBroadcast.start');
    const toast = await notification('already in use');
    assert.match(toast, /Open Settings/);
    await click('.notifications-center .notification-list-item-buttons-container .monaco-button');
    await waitUntil('the Settings editor', () => vscode.window.tabGroups.activeTabGroup.activeTab?.label === 'Settings', 10_000);
    const search = await workbenchText('.settings-editor .suggest-input-container');
    assert.ok(search.includes('guestBroadcast.listen') || (await frameTexts('.settings-editor .setting-item-title')).join(' ').includes('Listen'), 'the settings editor does not show guestBroadcast.listen');
    assert.equal(api.status(), undefined);
    await setSettings({ listen: `127.0.0.1:${port}` });
  });

  it('Watch host… offers saved hosts and ~/.ssh/config aliases, and takes typed text', async () => {
    await vscode.workspace.getConfiguration('guestBroadcast').update('hosts', [{ target: 'guest@saved.invalid:2222', name: 'Saved demo' }], vscode.ConfigurationTarget.Global);
    mkdirSync(join(homedir(), '.ssh'), { recursive: true, mode: 0o700 });
    writeFileSync(join(homedir(), '.ssh', 'config'), 'Host pick-alias\n  HostName 127.0.0.1\n  Port 1\n');
    void vscode.commands.executeCommand('guestBroadcast.watch');
    const rows = String(await waitUntil('the picks', async () => {
      const t = await workbenchText('.quick-input-widget .quick-input-list');
      return t.includes('Saved demo') && t.includes('pick-alias') ? t : undefined;
    }, 10_000));
    assert.match(rows, /guest@saved\.invalid:2222/);
    await pageRequest({ kind: 'type', selector: '.quick-input-widget .quick-input-box input', text: 'someone@typed.invalid:2200' });
    await waitUntil('the typed pick', async () => (await workbenchText('.quick-input-widget .quick-input-list')).includes('someone@typed.invalid:2200'), 10_000);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  it('the sidebar is titled "Guest Broadcast: Hosts", and VS Code is told the guests\' port is not a web app', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.guestBroadcast');
    const title = await waitUntil('the sidebar title', async () => {
      const t = await workbenchText('.part.sidebar .composite.title .title-label');
      return t ? t : undefined;
    }, 10_000);
    assert.match(String(title).toLowerCase(), /^guest broadcast: hosts$/);
    const attributes = vscode.workspace.getConfiguration('remote').get<Record<string, { onAutoForward?: string }>>('portsAttributes');
    assert.equal(attributes?.['2222']?.onAutoForward, 'ignore');
  });
});
