// The whole guest path through the real workbench in Chromium: a saved host shows in the
// "Broadcast hosts" tree, its Watch opens the viewer panel, the panel's webview shows the host's
// screen, and keys typed or pasted into the webview never leave it: not into the host's pane, and
// not one byte onto the SSH channel (checked on a server that counts them, since the host pane is
// protected by tmux's -r anyway). The page is read and typed into through the harness's page
// bridge (pageBridge.ts); under a runner without one these tests skip.
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Tmux } from '../../../src/tmux/tmux';
import { startFakeSshHost } from '../../helpers/fakeSshHost';
import type { HostNode, HostsNode } from '../../../src/ui/hosts/hostsTree';
import type { GuestBroadcastApi } from '../../../src/ui/api';
import { extensionApi, freePort, hostTerminalAttached, resetSettings, setSettings, socketDir, waitUntil } from './helpers';
import { click, frameTexts, pageBridgeAvailable, pageRequest, screenshotFor } from './pageBridge';
import { viewerTabs, trustLoopbackHost } from './viewerPages';

const SESSION = 'workbench';
/**
 * A selector inside this viewer's page only: the workbench's own integrated terminal (the host
 * terminal) is an xterm too, and must never be what is read or typed into.
 */
function inViewer(spec: string, selector: string): string {
  return `body[data-spec="${spec}"] #terminal ${selector}`;
}

async function capture(tmux: Tmux): Promise<string> {
  return tmux.run(['capture-pane', '-p', '-t', SESSION]);
}

/**
 * The viewer webview's screen text. The DOM renderer (gpuAcceleration "off") puts it in
 * `.xterm-rows`; the WebGL one would paint it on a canvas.
 */
async function webviewScreen(spec: string): Promise<string> {
  const texts = await frameTexts(inViewer(spec, '.xterm-rows'));
  assert.ok(texts.length <= 1, `${texts.length} frames show the viewer of ${spec}`);
  return texts.join('\n');
}

describe('watching a saved host in the real workbench (Chromium)', function () {
  this.timeout(120_000);
  let api: GuestBroadcastApi;
  let tmux: Tmux;
  let port: number;
  let target: string;
  const name = 'Workbench test host';
  const marker = `host-marker-${process.pid}`;

  before(async function () {
    // Needs the harness's page driver, and a throwaway HOME: trusting the host's key writes
    // ~/.ssh/known_hosts (the harness gives code-server a HOME under the temp folder).
    if (!pageBridgeAvailable() || !homedir().startsWith(tmpdir())) this.skip();
    api = await extensionApi();
    tmux = new Tmux(join(socketDir('gb-workbench-'), 'sock', 'guest'));
    port = await freePort();
    target = `guest@127.0.0.1:${port}`;
    await vscode.workspace.getConfiguration('terminal.integrated').update('gpuAcceleration', 'off', vscode.ConfigurationTarget.Global);
    await setSettings({ mode: 'embedded', socketPath: tmux.socketPath, sessionName: SESSION, listen: `127.0.0.1:${port}`, access: 'open', notifyOnJoin: false });
    await vscode.commands.executeCommand('guestBroadcast.start');
    await hostTerminalAttached(api, tmux);
    // The host types in its own terminal, as a person would.
    api.hostTerminal?.sendText(`echo ${marker}`);
    await waitUntil('the marker in the host pane', async () => (await capture(tmux)).split('\n').some((l) => l.trim() === marker), 15_000);
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
    await vscode.workspace.getConfiguration('guestBroadcast').update('hosts', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('terminal.integrated').update('gpuAcceleration', undefined, vscode.ConfigurationTarget.Global);
    await resetSettings();
  });

  let hostNode: HostNode | undefined;

  it('the hosts tree lists the saved host under "Saved hosts"', async () => {
    await vscode.workspace.getConfiguration('guestBroadcast').update('hosts', [{ target, name }], vscode.ConfigurationTarget.Global);
    hostNode = await waitUntil('the saved host in the tree', async () => {
      const groups = (await api.hostsTree.getChildren()) ?? [];
      const saved = groups.find((g): g is HostsNode & { kind: 'group' } => g.kind === 'group' && g.source === 'saved');
      if (!saved) return undefined;
      const hosts = (await api.hostsTree.getChildren(saved)) ?? [];
      return hosts.find((h): h is HostNode => h.kind === 'host' && h.spec === target);
    }) as HostNode;
    const item = await api.hostsTree.getTreeItem(hostNode);
    assert.equal(item.label, name);
    assert.equal(item.contextValue, 'host.saved', 'the row offers Watch (not watched yet)');
    assert.equal(hostNode.problem, undefined);
  });

  it('Watch on the row opens the viewer panel, whose webview shows the host screen', async () => {
    assert.ok(hostNode, 'the tree test before did not find the host');
    await vscode.commands.executeCommand('guestBroadcast.hosts.watch', hostNode);
    const tab = (await waitUntil('the viewer tab (named as the host was saved)', () => viewerTabs().find((t) => t.label === `Watching ${name}`))) as vscode.Tab;
    assert.ok(tab.isActive);
    // The webview shows what the host pane shows. (Opening the panel can shrink the host's
    // terminal for a moment, which pushes the earlier marker into tmux's history: compare with
    // the pane as it is now, then follow a new line live.)
    const shows = async (what: string, expected: () => Promise<string[]>): Promise<void> => {
      await waitUntil(what, async () => {
        const screen = await webviewScreen(target);
        return (await expected()).every((line) => screen.includes(line));
      }, 30_000).catch(async (error: Error) => {
        throw new Error(`${error.message}\nthe webview showed:\n${await webviewScreen(target).catch((e: Error) => e.message)}\nthe host pane:\n${await capture(tmux)}`);
      });
    };
    await shows('the host pane in the webview', async () => (await capture(tmux)).split('\n').map((l) => l.trim()).filter(Boolean));
    const live = `live-marker-${process.pid}`;
    api.hostTerminal?.sendText(`echo ${live}`);
    await shows('the host\'s new line in the webview', async () => [live]);
    const item = await api.hostsTree.getTreeItem(hostNode as HostNode);
    assert.equal(item.contextValue, 'host.saved.watched');
  });

  it('typing into the webview changes nothing in the host pane', async () => {
    const typed = 'typed-in-webview';
    await pageRequest({ kind: 'type', selector: inViewer(target, '.xterm-screen'), text: `echo ${typed}`, press: ['Enter'] });
    // The keys did reach the page: it tells the user that nothing is sent.
    await waitUntil('the read-only notice', async () => (await frameTexts(`body[data-spec="${target}"] #notice`)).some((t) => t.startsWith('Read-only')), 10_000);
    // Anything sent would have reached tmux before the host's next line reaches the viewer.
    const after = `after-typing-${process.pid}`;
    api.hostTerminal?.sendText(`echo ${after}`);
    await waitUntil('the host\'s next line in the webview', async () => (await webviewScreen(target)).includes(after), 20_000);
    const pane = await capture(tmux);
    assert.ok(!pane.includes(typed), `the host pane shows what was typed in the webview:\n${pane}`);
    assert.ok(!(await webviewScreen(target)).includes(typed), 'the webview echoed the typed text');
  });

  // The pane above cannot show that nothing was sent: tmux's -r and the embedded server drop a
  // guest's keys anyway. So the same viewer against an SSH server that counts every byte a viewer
  // writes on its channel, and that asks the terminal questions (DA, cursor position) a terminal
  // that answered would reply to on that channel.
  it('typing and pasting into the webview send no byte on the SSH channel', async () => {
    const greeting = `fake-host-ready-${process.pid}`;
    const fake = await startFakeSshHost({ offered: ['none', 'password'], acceptPassword: '', greeting: `${greeting}\x1b[c\x1b[6n\r\n` });
    const spec = `watcher@127.0.0.1:${fake.port}`;
    const page = (selector: string) => `body[data-spec="${spec}"] ${selector}`;
    try {
      appendFileSync(join(homedir(), '.ssh', 'known_hosts'), `[127.0.0.1]:${fake.port} ${fake.hostPublicKey}\n`);
      await vscode.commands.executeCommand('guestBroadcast.watch', spec);
      await waitUntil('the fake host\'s greeting in the webview', async () => (await webviewScreen(spec)).includes(greeting), 30_000);
      assert.equal(fake.channels.length, 1, 'one shell channel for one viewer');

      // A paste first: the notice (shown for the first attempt only) proves it reached the page.
      await pageRequest({ kind: 'paste', selector: inViewer(spec, '.xterm-screen'), text: 'pasted-into-webview\r' });
      await waitUntil('the read-only notice after the paste', async () => (await frameTexts(page('#notice'))).some((t) => t.startsWith('Read-only')), 10_000);
      await pageRequest({ kind: 'type', selector: inViewer(spec, '.xterm-screen'), text: 'echo typed-in-webview', press: ['Enter', 'ArrowUp', 'Backspace', 'Control+C'] });

      // The barrier, and the proof that the viewer's channel was carrying its messages all along:
      // switching the size mode (and back) in the page makes the viewer send a window change per
      // switch. They leave the page after the keys and the paste, on the same way to the server
      // (page -> extension host -> channel); the key re-exchange then flushes what the extension
      // host wrote before it.
      const windowChangesBefore = fake.windowChanges.length;
      await click(page('#status-size-mode'));
      await waitUntil('"My size" in the footer', async () => (await frameTexts(page('#status-size-mode'))).includes('My size'), 10_000);
      await click(page('#status-size-mode'));
      await waitUntil('"Fit" in the footer', async () => (await frameTexts(page('#status-size-mode'))).includes('Fit'), 10_000);
      await waitUntil('the viewer\'s window changes on the server', () => fake.windowChanges.length >= windowChangesBefore + 2, 15_000);
      await fake.roundTrip();
      assert.equal(fake.inputBytes, 0, `the viewer wrote ${fake.inputBytes} bytes on its channel`);
      assert.ok(fake.windowChanges.length >= windowChangesBefore + 2, 'the server heard nothing from the viewer: the check above would prove nothing');
      assert.deepEqual(fake.attempts.map((a) => a.method), ['none', 'password'], 'logged in without being asked for anything');
    } finally {
      await vscode.window.tabGroups.close(viewerTabs().filter((t) => t.label === `Watching ${spec}`));
      for (const channel of fake.channels) channel.close();
      await fake.close();
    }
  });
});
