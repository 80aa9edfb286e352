// The privacy curtain from VS Code, as a host meets it in the real workbench: Pause broadcast asks
// for the curtain's line in an input box, a real OpenSSH guest then sees the curtain and nothing
// the host types meanwhile, the status bar says paused (and follows a pause or resume made by the
// CLI in another process or by the host's tmux key), the palette offers Resume only while paused,
// and Resume gives guests the session again. Reads and types through the page bridge (skips
// without it).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { Tmux } from '../../../src/tmux/tmux';
import type { GuestBroadcastApi } from '../../../src/ui/api';
import { Screen } from '../../helpers/screen';
import { EXTENSION_ID, extensionApi, freePort, hostTerminalAttached, resetSettings, setSettings, socketDir, sshGuestArgv, TerminalProgram, waitUntil } from './helpers';
import { pageBridgeAvailable, pageRequest } from './pageBridge';
import { workbenchText, paletteRows, notification, tidyWorkbench } from './workbenchText';

const GUEST_SIZE = { cols: 100, rows: 30 };
const PAUSED = '$(debug-pause) Paused · 1 viewer';
const LIVE = '$(eye) 1 viewer';

/** What the guest's terminal shows now: everything ssh printed, rendered by a real terminal emulator. */
async function guestScreen(guest: TerminalProgram): Promise<string> {
  const screen = new Screen(GUEST_SIZE.cols, GUEST_SIZE.rows);
  await screen.write(guest.output);
  return screen.text();
}

describe('the privacy curtain from VS Code (real workbench, real ssh guest)', function () {
  this.timeout(150_000);
  let api: GuestBroadcastApi;
  let tmux: Tmux;
  let port: number;
  let guest: TerminalProgram | undefined;
  let cliPath: string;

  /** The bundled CLI in a process of its own, as another terminal would run it. */
  const cli = async (...args: string[]): Promise<string> => (await promisify(execFile)(process.execPath, [cliPath, ...args, '--socket', tmux.socketPath], { encoding: 'utf8', timeout: 30_000 })).stdout;

  /** Types a line into the host's session (what the host types in their terminal). */
  const hostTypes = (line: string): Promise<string> => tmux.run(['send-keys', '-t', '=curtain:', '-l', line]).then(() => tmux.run(['send-keys', '-t', '=curtain:', 'Enter']));

  before(async function () {
    if (!pageBridgeAvailable() || !homedir().startsWith(tmpdir())) this.skip();
    api = await extensionApi();
    cliPath = join(vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '', 'dist', 'cli.js');
    tmux = new Tmux(join(socketDir('gb-curtain-'), 'sock', 'guest'));
    port = await freePort();
    await setSettings({ mode: 'embedded', socketPath: tmux.socketPath, sessionName: 'curtain', listen: `127.0.0.1:${port}`, access: 'open', notifyOnJoin: false });
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  afterEach(async function () {
    await tidyWorkbench(this.currentTest);
  });

  after(async () => {
    if (!api) return;
    await guest?.stop();
    await vscode.commands.executeCommand('guestBroadcast.stop');
    await tmux.killServer().catch(() => undefined);
    await resetSettings();
  });

  it('not paused: the palette offers Pause broadcast, not Resume', async () => {
    await vscode.commands.executeCommand('guestBroadcast.start');
    await hostTerminalAttached(api, tmux);
    guest = new TerminalProgram(sshGuestArgv(port, 'ines'), GUEST_SIZE);
    await waitUntil('1 viewer', () => api.statusBarText === LIVE, 20_000);
    await hostTypes('echo before-$((6*7))');
    await waitUntil('the guest to see the session', async () => (await guestScreen(guest!)).includes('before-42'), 15_000);
    const rows = await paletteRows('Guest Broadcast: ');
    assert.match(rows, /Pause broadcast/);
    assert.ok(!rows.includes('Resume broadcast'), `Resume is offered while not paused:\n${rows}`);
  });

  it('Pause broadcast with a message: the guest sees the curtain and not a marker typed meanwhile; status bar, status --json and the palette say paused', async () => {
    const command = vscode.commands.executeCommand('guestBroadcast.pause');
    await waitUntil('the input box', async () => (await workbenchText('.quick-input-widget .quick-input-title')).includes('pause the broadcast'), 10_000);
    // The curtain is already down while the host types its line (an open box must not leave the session showing).
    assert.equal(api.status()?.paused, true, 'paused before the line is asked for');
    await pageRequest({ kind: 'type', selector: '.quick-input-widget .quick-input-box input', text: 'Back in five', press: ['Enter'] });
    await command;

    await waitUntil('the curtain on the guest', async () => (await guestScreen(guest!)).includes('Back in five'), 15_000).catch(async (error: Error) => {
      throw new Error(`${error.message}\nthe guest sees:\n${await guestScreen(guest!)}`);
    });
    await waitUntil('the status bar to say paused', () => api.statusBarText === PAUSED, 10_000);
    // The marker is built by the shell, so neither the typed line nor its output is "secret-42"
    // literally; the guest must get neither.
    await hostTypes('echo secret-$((6*7))');
    await waitUntil('the marker on the host', async () => (await tmux.run(['capture-pane', '-p', '-t', '=curtain:'])).includes('secret-42'), 10_000);
    // A barrier instead of a sleep: a new curtain line (from the CLI, another process) reaches the
    // guest through the same ordered stream as anything drawn before it, so once the guest shows
    // it, a leak of the marker would have arrived too.
    await cli('pause', '--message', 'Back in five minutes');
    await waitUntil('the new curtain line on the guest', async () => (await guestScreen(guest!)).includes('Back in five minutes'), 15_000);
    assert.doesNotMatch(guest!.output, /secret-/, 'the guest received what the host typed during the pause');

    const toast = await notification('Guests see the curtain');
    assert.match(toast, /clear what should stay private/);
    assert.match(toast, /Ctrl\+B then B in the host terminal/);

    assert.match(api.statusBarTooltip ?? '', /Guests see the curtain with your message: "Back in five minutes"/);
    assert.equal(api.statusBarRendered?.command, 'guestBroadcast.curtainActions');
    assert.equal(api.contextKeys.paused, true);
    assert.equal(api.status()?.paused, true);
    const status = JSON.parse(await cli('status', '--json')) as { paused: boolean };
    assert.equal(status.paused, true);
    assert.equal(await tmux.userOption('pause-message'), 'Back in five minutes');
    const rows = await paletteRows('Guest Broadcast: ');
    assert.match(rows, /Resume broadcast/);
  });

  it('Pause again shows the current message as the value to edit, refuses a bad one in the box, and changes it', async () => {
    const input = '.quick-input-widget .quick-input-box input';
    const titled = (part: string) => waitUntil('the input box', async () => (await workbenchText('.quick-input-widget .quick-input-title')).includes(part), 10_000);
    // The box holds the current message: adding to its end gives the curtain the longer line.
    let command = vscode.commands.executeCommand('guestBroadcast.pause');
    await titled('change the curtain message');
    await pageRequest({ kind: 'type', selector: input, text: '', press: ['End', '!', 'Enter'] });
    await command;
    await waitUntil('the edited message on the guest', async () => (await guestScreen(guest!)).includes('Back in five minutes!'), 15_000);

    command = vscode.commands.executeCommand('guestBroadcast.pause');
    await titled('change the curtain message');
    await pageRequest({ kind: 'type', selector: input, text: '', press: ['Control+A', 'Backspace'] });
    await pageRequest({ kind: 'type', selector: input, text: 'x'.repeat(301) });
    await waitUntil('the validation message', async () => (await workbenchText('.quick-input-widget .quick-input-message')).includes('too long'), 10_000);
    await pageRequest({ kind: 'type', selector: input, text: '', press: ['Control+A', 'Backspace'] });
    await pageRequest({ kind: 'type', selector: input, text: 'Reading mail, one moment', press: ['Enter'] });
    await command;
    await waitUntil('the new message on the guest', async () => (await guestScreen(guest!)).includes('Reading mail, one moment'), 15_000);
    assert.match(api.statusBarTooltip ?? '', /"Reading mail, one moment"/);
    assert.equal(api.statusBarText, PAUSED);
  });

  it('the status bar click while paused offers Resume first', async () => {
    void vscode.commands.executeCommand(api.statusBarRendered?.command ?? '');
    const rows = String(await waitUntil('the paused actions', async () => {
      const t = await workbenchText('.quick-input-widget .quick-input-list');
      return t.includes('Resume broadcast') ? t : undefined;
    }, 10_000));
    assert.ok(rows.indexOf('Resume broadcast') < rows.indexOf('Change the curtain message'), rows);
  });

  it('Resume broadcast: the guest sees the session again and a new marker; the status bar follows', async () => {
    await vscode.commands.executeCommand('guestBroadcast.resume');
    await waitUntil('the status bar to say live', () => api.statusBarText === LIVE, 10_000);
    assert.equal(api.contextKeys.paused, false);
    await hostTypes('clear; echo after-$((6*7))');
    await waitUntil('the new marker on the guest', async () => (await guestScreen(guest!)).includes('after-42'), 15_000);
    assert.equal((JSON.parse(await cli('status', '--json')) as { paused: boolean }).paused, false);
  });

  it('a pause and resume from the CLI in another process, and from the tmux key, show in the status bar', async () => {
    await cli('pause', '--message', 'Paused from a terminal');
    await waitUntil('the status bar to follow the CLI pause', () => api.statusBarText === PAUSED, 15_000);
    assert.match(api.statusBarTooltip ?? '', /"Paused from a terminal"/);
    await waitUntil('the CLI curtain on the guest', async () => (await guestScreen(guest!)).includes('Paused from a terminal'), 15_000);
    await cli('resume');
    await waitUntil('the status bar to follow the CLI resume', () => api.statusBarText === LIVE, 15_000);

    // The host's key in their own terminal: tmux's prefix (Ctrl+B here), then B.
    const terminal = api.hostTerminal;
    assert.ok(terminal, 'no host terminal');
    terminal.sendText('\x02B', false);
    await waitUntil('the status bar to follow the tmux key', () => api.statusBarText === PAUSED, 15_000);
    assert.equal(await tmux.userOption('paused'), '1');
    terminal.sendText('\x02B', false);
    await waitUntil('the status bar to follow the tmux key again', () => api.statusBarText === LIVE, 15_000);
  });
});
