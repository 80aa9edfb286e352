// The viewer's states as a user sees them in the real workbench: a target never reached is an
// error in words with Retry (not an endless "Reconnecting…"); a lost connection shows one footer
// line with Retry now over the dimmed last screen; a broadcast that ends keeps its last screen with
// Watch again, which works in the same tab once the broadcast runs again; closing Find leaves no
// match highlighted; Find and the read-only badge stay visible; the tab says the alias picked.
// Needs the harness's page bridge (skips without it).
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { TcpRelay } from '../../helpers/tcpRelay';
import { Tmux } from '../../../src/tmux/tmux';
import type { GuestBroadcastApi } from '../../../src/ui/api';
import { extensionApi, freePort, hostTerminalAttached, resetSettings, setSettings, socketDir, waitUntil } from './helpers';
import { click, frameBoxes, pageBridgeAvailable, pageRequest, screenshotFor } from './pageBridge';
import { viewerTabs, keyscan, trustLoopbackHost, inPage, pageText as text, pageBox as box } from './viewerPages';

const SESSION = 'states';

/** The footer is one line, and Find and the read-only badge are drawn inside it. */
async function assertFooterWhole(spec: string): Promise<void> {
  const footer = await box(spec, '#status');
  assert.ok(footer.height <= 24, `the footer is ${footer.height} px high (more than one line)`);
  for (const part of ['#status-search', '#status .badge']) {
    const b = await box(spec, part);
    assert.ok(b.style.display !== 'none' && b.style.visibility !== 'hidden' && b.width > 0, `${part} is not shown`);
    assert.ok(b.x >= footer.x && b.x + b.width <= footer.x + footer.width + 0.5 && b.y >= footer.y - 0.5, `${part} is outside the footer`);
  }
  const terminal = await box(spec, '#terminal');
  assert.ok(terminal.y + terminal.height <= footer.y + 0.5, 'the terminal area overlaps the footer');
}

describe('the viewer\'s states, honestly (real workbench)', function () {
  this.timeout(150_000);
  let api: GuestBroadcastApi;
  let tmux: Tmux;
  let port: number;
  const relays: TcpRelay[] = [];
  const marker = `state-marker-${process.pid}`;

  before(async function () {
    if (!pageBridgeAvailable() || !homedir().startsWith(tmpdir())) this.skip();
    api = await extensionApi();
    tmux = new Tmux(join(socketDir('gb-states-'), 'sock', 'guest'));
    port = await freePort();
    await vscode.workspace.getConfiguration('terminal.integrated').update('gpuAcceleration', 'off', vscode.ConfigurationTarget.Global);
    await setSettings({ mode: 'embedded', socketPath: tmux.socketPath, sessionName: SESSION, listen: `127.0.0.1:${port}`, access: 'open', notifyOnJoin: false, confirmStop: false });
    await vscode.commands.executeCommand('guestBroadcast.start');
    await hostTerminalAttached(api, tmux);
    api.hostTerminal?.sendText(`clear; echo ${marker}`);
    await trustLoopbackHost(port);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshotFor(`failed-${this.currentTest.title}`);
  });

  after(async () => {
    if (!api) return;
    for (const relay of relays) await relay.cut();
    await vscode.window.tabGroups.close(viewerTabs());
    await vscode.commands.executeCommand('guestBroadcast.stop');
    await tmux.killServer().catch(() => undefined);
    await vscode.workspace.getConfiguration('terminal.integrated').update('gpuAcceleration', undefined, vscode.ConfigurationTarget.Global);
    await resetSettings();
    await setSettings({ confirmStop: undefined });
  });

  /** A relay in front of the broadcast on a port of its own, whose host key is trusted. */
  async function relay(onPort?: number): Promise<TcpRelay> {
    const r = new TcpRelay(port);
    relays.push(r);
    await r.start(onPort);
    appendFileSync(join(homedir(), '.ssh', 'known_hosts'), await keyscan(r.port));
    return r;
  }

  it('a target never reached is an error in words with Retry, and Retry connects once it is there', async () => {
    const closed = await freePort();
    const spec = `127.0.0.1:${closed}`;
    await vscode.commands.executeCommand('guestBroadcast.watch', spec);
    const footer = (await waitUntil('the error in the footer', async () => {
      const t = await text(spec, '#status-text');
      return t.startsWith('Cannot watch') ? t : undefined;
    }, 30_000)) as string;
    assert.equal(footer, `Cannot watch guest@127.0.0.1:${closed}: nothing is listening on 127.0.0.1:${closed}`);
    assert.doesNotMatch(footer, /ECONNREFUSED/);
    assert.equal(await text(spec, '#status-action'), 'Retry');
    const [page] = await frameBoxes(`body[data-spec="${spec}"]`);
    assert.equal(page?.attributes['data-state'], 'error', 'the page is not in the error state');
    await assertFooterWhole(spec);
    // Something listens there now: Retry connects.
    await relay(closed);
    await click(inPage(spec, '#status-action'));
    await waitUntil('Live after Retry', async () => (await text(spec, '#status-text')).startsWith('Live'), 30_000);
    assert.equal((await box(spec, '#status-action')).attributes.hidden, '', 'the action button still shows while live');
    await vscode.window.tabGroups.close(viewerTabs());
  });

  it('a lost connection: one footer line with Retry now, over the dimmed last screen', async () => {
    const r = await relay();
    const spec = `127.0.0.1:${r.port}`;
    await vscode.commands.executeCommand('guestBroadcast.watch', spec);
    await waitUntil('Live', async () => (await text(spec, '#status-text')).startsWith('Live'), 30_000);
    await waitUntil('the host screen', async () => (await text(spec, '#terminal .xterm-rows')).includes(marker), 20_000);
    assert.equal((await box(spec, '#terminal')).style.opacity, '1');
    await r.cut();
    const footer = (await waitUntil('Reconnecting in the footer', async () => {
      const t = await text(spec, '#status-text');
      return /nothing is listening/.test(t) ? t : undefined;
    }, 30_000)) as string;
    assert.match(footer, new RegExp(`^Reconnecting(?: in \\d+ s)?…?: nothing is listening on 127\\.0\\.0\\.1:${r.port}$`));
    assert.equal(await text(spec, '#status-action'), 'Retry now');
    await assertFooterWhole(spec);
    // The last screen stays, dimmed.
    assert.ok((await text(spec, '#terminal .xterm-rows')).includes(marker), 'the last screen was cleared');
    await waitUntil('the screen dimmed', async () => (await box(spec, '#terminal')).style.opacity === '0.5', 5000);
    await screenshotFor('reconnecting');
    // Retry now, while the next attempt is still seconds away: it connects before the countdown
    // would have run out.
    const left = Number(await waitUntil('a countdown of 6 s or more', async () => {
      const m = /^Reconnecting in (\d+) s/.exec(await text(spec, '#status-text'));
      return m && Number(m[1]) >= 6 ? m[1] : undefined;
    }, 60_000));
    await r.resume();
    await click(inPage(spec, '#status-action'));
    await waitUntil('Live again, before the countdown ran out', async () => (await text(spec, '#status-text')).startsWith('Live'), (left - 2) * 1000);
    await waitUntil('the screen bright again', async () => (await box(spec, '#terminal')).style.opacity === '1', 5000);
  });

  it('closing Find leaves no match highlighted on the live screen', async () => {
    const spec = `127.0.0.1:${relays[1].port}`;
    await click(inPage(spec, '#status-search'));
    await pageRequest({ kind: 'type', selector: inPage(spec, '#search-input'), text: marker, press: ['Enter'] });
    await waitUntil('the match found', async () => /of|\d/.test(await text(spec, '#search-count')), 10_000);
    assert.ok((await box(spec, '#terminal .xterm-selection')).children > 0, 'the match is not selected while Find is open');
    await pageRequest({ kind: 'type', selector: inPage(spec, '#search-input'), text: '', press: ['Escape'] });
    await waitUntil('Find closed', async () => (await box(spec, '#search')).attributes.hidden !== undefined, 5000);
    // New output arrives; still nothing highlighted.
    api.hostTerminal?.sendText(`echo after-find-${process.pid}`);
    await waitUntil('the new line', async () => (await text(spec, '#terminal .xterm-rows')).includes(`after-find-${process.pid}`), 20_000);
    await new Promise((r) => setTimeout(r, 500)); // the search addon re-highlights 200 ms after output
    assert.equal((await box(spec, '#terminal .xterm-selection')).children, 0, 'the match is still selected');
    assert.deepEqual(await frameBoxes(inPage(spec, '.xterm-find-result-decoration')), [], 'match decorations are still drawn');
  });

  it('an ended broadcast keeps its last screen with Watch again, which works in the same tab', async () => {
    const spec = `127.0.0.1:${relays[1].port}`;
    const tabs = viewerTabs().length;
    await vscode.commands.executeCommand('guestBroadcast.stop');
    await waitUntil('Broadcast ended', async () => (await text(spec, '#status-text')).startsWith('Broadcast ended'), 30_000);
    assert.equal(await text(spec, '#status-action'), 'Watch again');
    const screen = await text(spec, '#terminal .xterm-rows');
    // The last thing the host showed (the Find test's line) is still there, and tmux's farewell.
    assert.ok(screen.includes(`after-find-${process.pid}`), `the last screen is gone:\n${screen}`);
    assert.match(screen, /the broadcast has ended/);
    await waitUntil('the screen dimmed', async () => (await box(spec, '#terminal')).style.opacity === '0.5', 5000);
    await assertFooterWhole(spec);
    await screenshotFor('ended');
    await vscode.commands.executeCommand('guestBroadcast.start');
    await hostTerminalAttached(api, tmux);
    // The host terminal opened over the viewer's tab: back to the viewer, as the user would.
    const group = vscode.window.tabGroups.activeTabGroup;
    const index = group.tabs.findIndex((t) => viewerTabs().includes(t));
    if (index >= 0) await vscode.commands.executeCommand('workbench.action.openEditorAtIndex', index);
    await click(inPage(spec, '#status-action'));
    await waitUntil('Live in the same tab', async () => (await text(spec, '#status-text')).startsWith('Live'), 30_000);
    assert.equal(viewerTabs().length, tabs);
  });

  it('the tab says the ssh config alias the user picked', async () => {
    writeFileSync(join(homedir(), '.ssh', 'config'), `Host states-alias\n  HostName 127.0.0.1\n  Port ${port}\n  User guest\n`);
    await vscode.commands.executeCommand('guestBroadcast.watch', 'states-alias');
    await waitUntil('the tab named by the alias', () => viewerTabs().find((t) => t.label === 'Watching states-alias'), 20_000);
    await waitUntil('Live', async () => (await text('states-alias', '#status-text')).startsWith('Live'), 30_000);
  });
});
