// Settings are read at each start: a change applies to the next start, never to the running one.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Tmux } from '../../../src/tmux/tmux';
import type { GuestBroadcastApi } from '../../../src/ui/api';
import { extensionApi, hostTerminalAttached, resetSettings, setSettings, socketDir } from './helpers';

describe('settings', function () {
  this.timeout(60_000);
  let api: GuestBroadcastApi;
  const dir = () => socketDir('gb-settings-');
  let first: Tmux;
  let second: Tmux;

  before(async () => {
    api = await extensionApi();
    first = new Tmux(join(dir(), 'sock', 'guest'));
    second = new Tmux(join(dir(), 'sock', 'guest'));
  });

  after(async () => {
    await vscode.commands.executeCommand('guestBroadcast.stop');
    await first.killServer().catch(() => undefined);
    await second.killServer().catch(() => undefined);
    await resetSettings();
  });

  it('a changed socket and session name take effect on the next start', async () => {
    await setSettings({ mode: 'system', socketPath: first.socketPath, sessionName: 'before', guestUser: 'nobody' });
    await vscode.commands.executeCommand('guestBroadcast.start');
    assert.deepEqual(await first.sessionNames(), ['before']);

    await setSettings({ socketPath: second.socketPath, sessionName: 'after' });
    // Start while running keeps the running broadcast as it is.
    await vscode.commands.executeCommand('guestBroadcast.start');
    assert.equal(api.status()?.session, 'before');
    assert.equal(await second.serverPid(), undefined);

    await vscode.commands.executeCommand('guestBroadcast.stop');
    assert.equal(await first.serverPid(), undefined);
    await vscode.commands.executeCommand('guestBroadcast.start');
    assert.equal(api.status()?.session, 'after');
    assert.equal(api.status()?.socket, second.socketPath);
    assert.deepEqual(await second.sessionNames(), ['after']);
    await hostTerminalAttached(api, second);
    assert.equal(await first.serverPid(), undefined);
    await vscode.commands.executeCommand('guestBroadcast.stop');
    assert.equal(await second.serverPid(), undefined);
  });

  it("guestBroadcast.sshPort goes into the system mode's watch command; a bad number, even of the other mode, stops Start", async () => {
    await setSettings({ mode: 'system', socketPath: first.socketPath, sessionName: 'ported', guestUser: 'nobody', sshPort: 2022 });
    await vscode.commands.executeCommand('guestBroadcast.start');
    assert.match(api.status()?.watch ?? '', /^ssh -p 2022 nobody@/);
    await vscode.commands.executeCommand('guestBroadcast.stop');
    assert.equal(await first.serverPid(), undefined);
    // The embedded mode's login timeout is checked in system mode too: the settings keep both modes'.
    await setSettings({ sshPort: undefined, loginTimeout: 0 });
    await vscode.commands.executeCommand('guestBroadcast.start');
    assert.equal(api.status(), undefined);
    assert.equal(await first.serverPid(), undefined);
    await setSettings({ loginTimeout: undefined });
  });

  it('a bad setting stops Start with nothing started', async () => {
    await setSettings({ mode: 'system', socketPath: 'relative/path', sessionName: 'x' });
    await vscode.commands.executeCommand('guestBroadcast.start');
    assert.equal(api.status(), undefined);
  });
});
