// "Check guest setup" runs the extension's bundled CLI (dist/cli.js doctor) with the settings'
// guest user and socket: it reports the same outcome as that CLI run by hand.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, extensionApi, resetSettings, setSettings, socketDir } from './helpers';

describe('guest account commands', function () {
  this.timeout(60_000);
  let socketPath: string;

  before(async () => {
    await extensionApi();
    socketPath = join(socketDir('gb-doctor-'), 'sock', 'guest');
    await setSettings({ mode: 'system', socketPath, guestUser: 'nobody' });
  });

  after(resetSettings);

  it('Check guest setup runs the bundled doctor and answers with its exit code', async () => {
    const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '';
    const byHand = spawnSync(process.execPath, [join(extensionPath, 'dist', 'cli.js'), 'doctor', '--guest-user', 'nobody', '--socket', socketPath, '--session', 'broadcast'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(typeof byHand.status, 'number', `the CLI did not run: ${String(byHand.error)}`);
    const code = await vscode.commands.executeCommand<number>('guestBroadcast.checkGuestSetup');
    assert.equal(code, byHand.status, `doctor by hand said:\n${byHand.stdout}${byHand.stderr}`);
  });
});
