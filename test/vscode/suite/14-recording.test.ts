// Recording from VS Code, in the real workbench: Start recording… through VS Code's own save dialog
// (the workbench's file dialog, answered by typing as a user would) and with a file Uri as
// argument (other extensions), the REC status bar item and the context keys, a recording started
// or stopped by the CLI in another process, Stop recording saying where the file is, and a
// recording that stops by itself (a full disk: /dev/full) shown as an error while the broadcast
// goes on, and a stop of the broadcast that ends a recording names its file. Each file must be asciicast v2: a header, then [time, code, data] events holding what
// the host's session drew. Reads and types through the page bridge (skips without it).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { Tmux } from '../../../src/tmux/tmux';
import type { GuestBroadcastApi } from '../../../src/ui/api';
import { EXTENSION_ID, extensionApi, freePort, hostTerminalAttached, resetSettings, setSettings, socketDir, waitUntil } from './helpers';
import { pageBridgeAvailable, pageRequest } from './pageBridge';
import { workbenchText, notification, tidyWorkbench } from './workbenchText';

const REC = '$(record) REC';

interface Cast {
  header: { version: number; width: number; height: number; timestamp?: number; title?: string; env?: Record<string, string> };
  events: Array<[number, string, string]>;
}

/** Reads an asciicast v2 file strictly: one JSON header line, then one JSON event per line. */
function readCast(path: string): Cast {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  assert.ok(lines.length >= 2, `${path} has no events:\n${lines.join('\n')}`);
  const header = JSON.parse(lines[0]) as Cast['header'];
  assert.equal(header.version, 2, 'asciicast version');
  assert.ok(Number.isInteger(header.width) && header.width > 0, `width ${header.width}`);
  assert.ok(Number.isInteger(header.height) && header.height > 0, `height ${header.height}`);
  const events = lines.slice(1).map((l) => JSON.parse(l) as Cast['events'][number]);
  let last = 0;
  for (const e of events) {
    assert.ok(Array.isArray(e) && e.length === 3 && typeof e[0] === 'number' && typeof e[1] === 'string' && typeof e[2] === 'string', `not an event: ${JSON.stringify(e)}`);
    assert.ok(['o', 'r', 'm'].includes(e[1]), `event code ${e[1]}`);
    assert.ok(e[0] >= last, 'event times go forward');
    last = e[0];
  }
  return { header, events };
}

const output = (cast: Cast): string => cast.events.filter((e) => e[1] === 'o').map((e) => e[2]).join('');

describe('recording from VS Code (real workbench)', function () {
  this.timeout(150_000);
  let api: GuestBroadcastApi;
  let tmux: Tmux;
  let folder: string;
  let cliPath: string;

  const cli = async (...args: string[]): Promise<string> => (await promisify(execFile)(process.execPath, [cliPath, ...args, '--socket', tmux.socketPath], { encoding: 'utf8', timeout: 30_000 })).stdout;
  const hostTypes = (line: string): Promise<string> => tmux.run(['send-keys', '-t', '=rec:', '-l', line]).then(() => tmux.run(['send-keys', '-t', '=rec:', 'Enter']));
  /** Stops through the command; its result is the finished file. */
  const stop = async (): Promise<string> => String(await vscode.commands.executeCommand<string | undefined>('guestBroadcast.stopRecording'));

  before(async function () {
    if (!pageBridgeAvailable() || !homedir().startsWith(tmpdir())) this.skip();
    api = await extensionApi();
    cliPath = join(vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '', 'dist', 'cli.js');
    folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    assert.ok(folder, 'the suite runs with a workspace folder');
    tmux = new Tmux(join(socketDir('gb-rec-'), 'sock', 'guest'));
    const port = await freePort();
    await setSettings({ mode: 'embedded', socketPath: tmux.socketPath, sessionName: 'rec', listen: `127.0.0.1:${port}`, access: 'open', notifyOnJoin: false });
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  afterEach(async function () {
    await tidyWorkbench(this.currentTest);
  });

  after(async () => {
    if (!api) return;
    await vscode.commands.executeCommand('guestBroadcast.stop');
    await tmux.killServer().catch(() => undefined);
    await resetSettings();
  });

  it('Start recording… through the save dialog (its default: a .cast file in the workspace folder) records the host\'s screen; Stop recording says where', async () => {
    await vscode.commands.executeCommand('guestBroadcast.start');
    await hostTerminalAttached(api, tmux);
    assert.equal(api.recordingStatusBarText, undefined);
    assert.equal(api.contextKeys.recording, false);

    const command = vscode.commands.executeCommand('guestBroadcast.startRecording');
    await waitUntil('the save dialog', async () => (await workbenchText('.quick-input-widget .quick-input-title')).includes('record the broadcast to'), 15_000);
    // The default as offered: Enter takes it.
    await pageRequest({ kind: 'type', selector: '.quick-input-widget .quick-input-box input', text: '', press: ['Enter'] });
    // Bounded, then the command: a dialog that did not take the answer would hold it for good.
    await waitUntil('the REC item', () => api.recordingStatusBarText === REC, 15_000);
    await command;
    const path = api.status()?.recording ?? '';
    assert.equal(join(folder, basename(path)), path, `recording outside the workspace folder: ${path}`);
    assert.match(basename(path), /^rec-\d{4}-\d{2}-\d{2}-\d{4}\.cast$/);
    assert.equal(api.contextKeys.recording, true);
    assert.equal((JSON.parse(await cli('status', '--json')) as { recording: string | null }).recording, path);

    await hostTypes('echo rec-$((6*7))');
    await waitUntil('the marker on the host', async () => (await tmux.run(['capture-pane', '-p', '-t', '=rec:'])).includes('rec-42'), 10_000);
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.equal(await stop(), path);
    assert.equal(api.recordingStatusBarText, undefined);
    assert.equal(api.contextKeys.recording, false);
    const cast = readCast(path);
    assert.match(output(cast), /rec-42/);
    const toast = await notification('the recording is in');
    assert.ok(toast.includes(path), toast);
    assert.match(toast, /Show in Explorer/);
  });

  it('with a file Uri as argument (another extension): an existing file is refused without force and replaced with it', async () => {
    const path = join(folder, 'given.cast');
    writeFileSync(path, 'keep me\n');
    await vscode.commands.executeCommand('guestBroadcast.startRecording', vscode.Uri.file(path));
    await notification('already exists');
    assert.equal(readFileSync(path, 'utf8'), 'keep me\n');
    assert.equal(api.recordingStatusBarText, undefined);

    await vscode.commands.executeCommand('guestBroadcast.startRecording', vscode.Uri.file(path), { force: true });
    assert.equal(api.recordingStatusBarText, REC);
    await hostTypes('echo given-$((6*7))');
    await waitUntil('the marker on the host', async () => (await tmux.run(['capture-pane', '-p', '-t', '=rec:'])).includes('given-42'), 10_000);
    assert.equal(await stop(), path);
    const cast = readCast(path);
    assert.match(output(cast), /given-42/);
    assert.doesNotMatch(readFileSync(path, 'utf8'), /keep me/);
  });

  it('a recording started and stopped by the CLI in another process shows in the status bar', async () => {
    const path = join(folder, 'from-cli.cast');
    await cli('record', path);
    await waitUntil('the REC item for the CLI recording', () => api.recordingStatusBarText === REC, 15_000);
    assert.equal(api.status()?.recording, path);
    await cli('record', '--stop');
    await waitUntil('the REC item to go', () => api.recordingStatusBarText === undefined, 15_000);
    readCast(path);
  });

  it('a recording that stops by itself (a full disk) is an error message; the broadcast goes on', async () => {
    assert.ok(existsSync('/dev/full'));
    await vscode.commands.executeCommand('guestBroadcast.startRecording', vscode.Uri.file('/dev/full'), { force: true });
    await hostTypes('echo full-$((6*7))');
    const toast = await notification('the disk is full');
    assert.match(toast, /the broadcast goes on/);
    await waitUntil('the REC item to go', () => api.recordingStatusBarText === undefined, 10_000);
    assert.equal(api.status()?.broadcasting, true);
    assert.equal(api.status()?.recording, null);
  });

  it('Stop guest broadcast ends a recording with it, finished, and names the file', async () => {
    const path = join(folder, 'until-stop.cast');
    await vscode.commands.executeCommand('guestBroadcast.startRecording', vscode.Uri.file(path));
    assert.equal(api.recordingStatusBarText, REC);
    await hostTypes('echo last-$((6*7))');
    await waitUntil('the marker on the host', async () => (await tmux.run(['capture-pane', '-p', '-t', '=rec:'])).includes('last-42'), 10_000);
    await vscode.commands.executeCommand('guestBroadcast.stop');
    const toast = await notification('The recording is in');
    assert.ok(toast.includes(path), toast);
    assert.equal(api.recordingStatusBarText, undefined);
    assert.match(output(readCast(path)), /last-42/);
  });
});
