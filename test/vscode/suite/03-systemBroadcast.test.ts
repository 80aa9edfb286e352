// The host's round trip in system mode, driven through the real commands: start opens the tmux
// server and the host terminal, a read-only guest from outside shows in the status bar, stop
// ends it all. System mode needs no sshd for this: the guest is a `tmux attach -r` client, the
// same command the guest account's forced command runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Broadcast, KICKED_MESSAGE } from '../../../src/host/broadcast';
import { listClients } from '../../../src/tmux/clients';
import { guestAttachArgv } from '../../../src/tmux/attach';
import { Tmux } from '../../../src/tmux/tmux';
import { EXTENSION_ID, extensionApi, hostTerminalAttached, resetSettings, setSettings, socketDir, TerminalProgram, waitUntil } from './helpers';
import type { GuestBroadcastApi } from '../../../src/ui/api';
import { SystemSshRoute } from '../../../src/host/routes/systemSshRoute';

describe('system-mode broadcast', function () {
  this.timeout(60_000);
  let api: GuestBroadcastApi;
  let socketPath: string;
  let tmux: Tmux;
  const guests: TerminalProgram[] = [];

  before(async () => {
    api = await extensionApi();
    socketPath = join(socketDir('gb-system-'), 'sock', 'guest');
    tmux = new Tmux(socketPath);
    await setSettings({ mode: 'system', socketPath, sessionName: 'hostwork', guestUser: 'nobody' });
  });

  after(async () => {
    for (const g of guests) await g.stop();
    await vscode.commands.executeCommand('guestBroadcast.stop');
    await tmux.killServer().catch(() => undefined);
    await resetSettings();
  });

  it('Start guest broadcast starts the tmux server with one session and opens the host terminal', async () => {
    await vscode.commands.executeCommand('guestBroadcast.start');
    const status = api.status();
    assert.ok(status, 'no broadcast after Start');
    assert.equal(status.broadcasting, true);
    assert.equal(status.mode, 'system');
    assert.equal(status.socket, socketPath);
    assert.deepEqual(await tmux.sessionNames(), ['hostwork']);
    // The host terminal is a read-write client of the broadcast session: the host works there.
    await hostTerminalAttached(api, tmux);
    assert.deepEqual((await listClients(tmux)).filter((c) => !c.readOnly).map((c) => c.session), ['hostwork']);
    // The host's shell starts in the workspace folder, where the host works.
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (folder) assert.equal((await tmux.run(['display-message', '-p', '-t', '=hostwork:', '#{pane_current_path}'])).trim(), folder);
    assert.equal(api.statusBarText, '$(eye) 0 viewers');
  });

  it('a read-only guest attaching from outside shows as 1 viewer, and 0 when it leaves', async () => {
    const guest = new TerminalProgram(guestAttachArgv({ socketPath, sessionName: 'hostwork' }), { cols: 91, rows: 27 });
    guests.push(guest);
    await waitUntil('"1 viewer" in the status bar', () => api.statusBarText === '$(eye) 1 viewer', 15_000);
    const viewer = api.status()?.viewers[0];
    assert.equal(viewer?.cols, 91);
    assert.equal(viewer?.rows, 27);
    await guest.stop();
    await waitUntil('"0 viewers" in the status bar', () => api.statusBarText === '$(eye) 0 viewers', 15_000);
  });

  it('Show viewers lists the guest, and picking it then "Kick" ends its view with a message', async () => {
    const guest = new TerminalProgram(guestAttachArgv({ socketPath, sessionName: 'hostwork' }));
    guests.push(guest);
    await waitUntil('"1 viewer" in the status bar', () => api.statusBarText === '$(eye) 1 viewer', 15_000);
    await vscode.commands.executeCommand('guestBroadcast.showViewers');
    // The first item is the viewer; accepting it opens the "Kick NAME / Cancel" pick, whose
    // first item kicks. Accepting when no pick is open does nothing, so retrying is safe while
    // the second pick is on its way from the extension host to the workbench.
    await waitUntil(
      'the guest to be kicked through the viewer list',
      async () => {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        await new Promise((r) => setTimeout(r, 200));
        return guest.exitCode !== undefined;
      },
      15_000,
    );
    assert.ok(guest.output.includes(KICKED_MESSAGE), `the guest did not see "${KICKED_MESSAGE}"; it saw: ${JSON.stringify(guest.output.slice(-300))}`);
    await waitUntil('"0 viewers" in the status bar', () => api.statusBarText === '$(eye) 0 viewers', 15_000);
  });

  it('Copy watch command puts the watch command on the clipboard', async () => {
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('guestBroadcast.copyWatchCommand');
    const watch = api.status()?.watch;
    assert.match(watch ?? '', /^ssh (-p \d+ )?nobody@/);
    assert.equal(await vscode.env.clipboard.readText(), watch);
  });

  it('Stop guest broadcast ends the server, the status bar item and the host terminal', async () => {
    await vscode.commands.executeCommand('guestBroadcast.stop');
    assert.equal(api.status(), undefined);
    assert.equal(api.statusBarText, undefined);
    assert.equal(api.hostTerminal, undefined);
    assert.equal(await tmux.serverPid(), undefined, 'the tmux server still runs after Stop');
  });

  it('Start adopts a broadcast already running on the socket instead of making a second server', async () => {
    // A broadcast started outside this window (as `guest-broadcast host` or a window before a reload would).
    const outside = await Broadcast.start({ routes: [new SystemSshRoute({ guestUser: 'nobody' })], socketPath, sessionName: 'hostwork', configFile: '/dev/null' });
    outside.detach();
    const pid = await tmux.serverPid();
    await vscode.commands.executeCommand('guestBroadcast.start');
    assert.equal(api.status()?.session, 'hostwork');
    assert.equal(await tmux.serverPid(), pid);
    assert.deepEqual(await tmux.sessionNames(), ['hostwork']);
    await vscode.commands.executeCommand('guestBroadcast.stop');
    assert.equal(await tmux.serverPid(), undefined);
  });

  it('a broadcast stopped from outside (guest-broadcast stop) clears the status bar and closes the host terminal', async () => {
    await vscode.commands.executeCommand('guestBroadcast.start');
    await hostTerminalAttached(api, tmux);
    const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '';
    const stop = spawnSync(process.execPath, [join(extensionPath, 'dist', 'cli.js'), 'stop', '--socket', socketPath], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(stop.status, 0, stop.stderr);
    await waitUntil('the status bar item to go', () => api.statusBarText === undefined, 15_000);
    assert.equal(api.status(), undefined);
    await waitUntil('the host terminal to close', () => api.hostTerminal === undefined, 15_000);
  });

  it('Stop when nothing runs leaves nothing behind and throws nothing', async () => {
    await vscode.commands.executeCommand('guestBroadcast.stop');
    assert.equal(api.status(), undefined);
    assert.equal(await tmux.serverPid(), undefined);
  });
});
