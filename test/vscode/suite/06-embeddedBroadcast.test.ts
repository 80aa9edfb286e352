// The default mode inside VS Code: the built-in SSH server, reached by the real OpenSSH client
// from outside, node-pty taken from VS Code's own install, settings applied on the next start.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { canConnect } from '../../../src/host/listenProbe';
import { Tmux } from '../../../src/tmux/tmux';
import type { GuestBroadcastApi } from '../../../src/ui/api';
import { extensionApi, freePort, hostTerminalAttached, resetSettings, setSettings, socketDir, sshGuestArgv, TerminalProgram, waitUntil } from './helpers';

describe('embedded-mode broadcast', function () {
  this.timeout(90_000);
  let api: GuestBroadcastApi;
  let tmux: Tmux;
  let port: number;
  const guests: TerminalProgram[] = [];
  let watching: TerminalProgram | undefined;

  before(async () => {
    api = await extensionApi();
    tmux = new Tmux(join(socketDir('gb-embedded-'), 'sock', 'guest'));
    port = await freePort();
    await setSettings({ mode: 'embedded', socketPath: tmux.socketPath, sessionName: 'demo', listen: `127.0.0.1:${port}`, access: 'open', notifyOnJoin: true });
  });

  after(async () => {
    for (const g of guests) await g.stop();
    await vscode.commands.executeCommand('guestBroadcast.stop');
    await tmux.killServer().catch(() => undefined);
    await resetSettings();
  });

  it('Start listens on guestBroadcast.listen and opens the host terminal', async () => {
    await vscode.commands.executeCommand('guestBroadcast.start');
    const status = api.status();
    assert.equal(status?.mode, 'embedded');
    assert.equal(status?.listen, `127.0.0.1:${port}`);
    assert.equal(status?.watch, `ssh -p ${port} guest@127.0.0.1`);
    assert.equal(await canConnect(`127.0.0.1:${port}`), true);
    assert.deepEqual(await tmux.sessionNames(), ['demo']);
    await hostTerminalAttached(api, tmux);
    assert.equal(api.statusBarText, '$(eye) 0 viewers');
  });

  it('an ssh guest shows as 1 viewer (with its name and size), and 0 when it leaves', async () => {
    const guest = new TerminalProgram(sshGuestArgv(port, 'alice'), { cols: 88, rows: 26 });
    guests.push(guest);
    await waitUntil('"1 viewer" in the status bar', () => api.statusBarText === '$(eye) 1 viewer', 20_000).catch((error: Error) => {
      throw new Error(`${error.message}\nssh printed: ${JSON.stringify(guest.output.slice(-500))}`);
    });
    const viewer = api.status()?.viewers[0];
    assert.equal(viewer?.user, 'alice');
    assert.equal(viewer?.cols, 88);
    assert.equal(viewer?.rows, 26);
    await guest.stop();
    await waitUntil('"0 viewers" in the status bar', () => api.statusBarText === '$(eye) 0 viewers', 15_000);
  });

  it('serves guests with node-pty from VS Code\'s own install', () => {
    const loaded = Object.keys(require.cache).filter((path) => /[\\/]node-pty[\\/]/.test(path));
    assert.ok(loaded.length > 0, 'node-pty is not loaded although a guest watched');
    assert.ok(loaded.every((path) => path.startsWith(vscode.env.appRoot)), `node-pty came from elsewhere: ${loaded[0]}`);
  });

  it('a changed listen address and access policy take effect on the next start', async () => {
    const newPort = await freePort();
    await setSettings({ listen: `127.0.0.1:${newPort}`, access: 'password' });
    // Still running as started: old port, open access.
    assert.equal(api.status()?.listen, `127.0.0.1:${port}`);
    await vscode.commands.executeCommand('guestBroadcast.stop');
    assert.equal(await canConnect(`127.0.0.1:${port}`), false, 'the old port still answers after Stop');
    assert.equal(await tmux.serverPid(), undefined);

    await vscode.commands.executeCommand('guestBroadcast.start');
    assert.equal(api.status()?.listen, `127.0.0.1:${newPort}`);
    assert.equal(await canConnect(`127.0.0.1:${port}`), false);
    await hostTerminalAttached(api, tmux);

    // password policy: no password, no entry...
    const refused = new TerminalProgram(sshGuestArgv(newPort, 'bob', ['-o', 'BatchMode=yes']));
    guests.push(refused);
    await waitUntil('ssh without a password to be refused', () => refused.exitCode !== undefined, 20_000);
    assert.notEqual(refused.exitCode, 0);
    assert.match(refused.output, /Permission denied/);
    assert.equal(api.status()?.viewers.length, 0);

    // ...and the passphrase the host copies lets a guest in.
    await vscode.commands.executeCommand('guestBroadcast.copyPassphrase');
    const passphrase = (await vscode.env.clipboard.readText()).trim();
    assert.match(passphrase, /^\S{8,}$/);
    const admitted = new TerminalProgram(sshGuestArgv(newPort, 'carol', ['-o', 'PreferredAuthentications=password', '-o', 'NumberOfPasswordPrompts=1']));
    guests.push(admitted);
    await waitUntil('the password prompt', () => /password:/i.test(admitted.output), 20_000);
    admitted.type(passphrase + '\r');
    await waitUntil('"1 viewer" in the status bar', () => api.statusBarText === '$(eye) 1 viewer', 20_000);
    assert.equal(api.status()?.viewers[0]?.user, 'carol');
    watching = admitted;
  });

  it('Stop tells the guest, closes the port and ends the tmux server', async () => {
    const listen = api.status()?.listen ?? '';
    const guest = watching;
    assert.ok(guest, 'no guest is watching (the test before failed)');
    await vscode.commands.executeCommand('guestBroadcast.stop');
    assert.equal(api.status(), undefined);
    assert.equal(api.statusBarText, undefined);
    assert.equal(await canConnect(listen), false);
    assert.equal(await tmux.serverPid(), undefined);
    await waitUntil('the guest to be disconnected', () => guest.exitCode !== undefined, 15_000);
    assert.match(guest.output, /broadcast has ended/);
  });
});
