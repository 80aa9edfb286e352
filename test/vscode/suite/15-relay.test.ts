// Relays on NATS from VS Code (#18): guestBroadcast.relay makes this window's broadcast register
// on a real nats-server started here; an OpenSSH guest through a relay is listed as a relay viewer
// (status bar tooltip and status), Copy relay watch command copies its line, and the viewer
// watching `<id>@relay1:PORT,relay2:PORT` renders the host's screen, and keeps doing so through
// the other relay once the first one stops. A bad NATS URL is an error notice with Open Settings.
// The relays are the real relay code, in this process; they share one host key file, as relays
// behind one name should. Needs the harness's page bridge and a throwaway HOME (skips without).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { RunningRelay, startRelay } from '../../../src/relay/startRelay';
import { Tmux } from '../../../src/tmux/tmux';
import type { GuestBroadcastApi } from '../../../src/ui/api';
import { NATS_SERVER, NatsServer, startNatsServer } from '../../helpers/natsServer';
import { extensionApi, hostTerminalAttached, resetSettings, setSettings, socketDir, sshGuestArgv, TerminalProgram, waitUntil } from './helpers';
import { pageBridgeAvailable } from './pageBridge';
import { pageText as text, trustLoopbackHost, viewerTabs } from './viewerPages';
import { notification, tidyWorkbench } from './workbenchText';

const SESSION = 'relayed';

describe('relays on NATS (guestBroadcast.relay)', function () {
  this.timeout(150_000);
  let api: GuestBroadcastApi;
  let tmux: Tmux;
  let nats: NatsServer;
  let keyDir: string;
  const relays: RunningRelay[] = [];
  const guests: TerminalProgram[] = [];
  const id = `vscode-relay-${process.pid}`;
  const marker = `relay-marker-${process.pid}`;

  const relayPort = (r: RunningRelay): number => Number(r.server.listenAddress.split(':').pop());
  async function relay(name: string): Promise<RunningRelay> {
    const r = await startRelay({ urls: [nats.url], listen: { host: '127.0.0.1', port: 0 }, keyPath: join(keyDir, 'relays_host_key'), name, maxGuests: 20, maxPerAddress: 20 });
    relays.push(r);
    return r;
  }

  before(async function () {
    if (!pageBridgeAvailable() || !homedir().startsWith(tmpdir()) || !existsSync(NATS_SERVER)) this.skip();
    api = await extensionApi();
    const dir = socketDir('gb-relayui-');
    tmux = new Tmux(join(dir, 'sock', 'guest'));
    keyDir = join(dir, 'relay-keys');
    nats = await startNatsServer();
    // The viewer's rows are read as DOM text: xterm's DOM renderer, as 10-viewerStates does.
    await vscode.workspace.getConfiguration('terminal.integrated').update('gpuAcceleration', 'off', vscode.ConfigurationTarget.Global);
  });

  afterEach(async function () {
    await tidyWorkbench(this.currentTest);
  });

  after(async () => {
    if (!api) return;
    for (const g of guests) await g.stop();
    await vscode.window.tabGroups.close(viewerTabs());
    await vscode.commands.executeCommand('guestBroadcast.stop');
    for (const r of relays) await r.stop().catch(() => undefined);
    await tmux.killServer().catch(() => undefined);
    await nats.stop();
    await vscode.workspace.getConfiguration('terminal.integrated').update('gpuAcceleration', undefined, vscode.ConfigurationTarget.Global);
    await resetSettings();
  });

  it('a bad NATS URL stops Start with an error notice that opens the setting', async () => {
    await setSettings({ mode: 'embedded', socketPath: tmux.socketPath, sessionName: SESSION, listen: '127.0.0.1:0', access: 'open', notifyOnJoin: false, relay: ['http://nats.invalid:4222'] });
    await vscode.commands.executeCommand('guestBroadcast.start');
    assert.equal(api.status(), undefined, 'nothing started');
    const shown = await notification('guestBroadcast.relay: "http://nats.invalid:4222" is not a NATS URL');
    assert.match(shown, /Open Settings/);
  });

  it('Start registers on NATS; a guest through a relay is a relay viewer; Copy relay watch command copies its line', async () => {
    const first = await relay('ui-relay-1');
    await setSettings({ relay: [nats.url], relayId: id });
    await vscode.commands.executeCommand('guestBroadcast.start');
    assert.equal(api.status()?.relay?.id, id, JSON.stringify(api.status()?.relay));
    assert.equal(api.status()?.relay?.url, nats.url);
    // The palette offers Copy relay watch command only now (context key guestBroadcast.relay).
    await waitUntil('the relay context key', () => api.contextKeys.relay, 5000);
    await hostTerminalAttached(api, tmux);
    api.hostTerminal?.sendText(`clear; echo ${marker}`);

    const guest = new TerminalProgram(sshGuestArgv(relayPort(first), id), { cols: 90, rows: 30 });
    guests.push(guest);
    await waitUntil('the guest to see the host', () => guest.output.includes(marker), 30_000);
    await waitUntil('a relay viewer in the status', () => api.status()?.viewers.some((v) => v.route === 'relay'), 30_000);
    await waitUntil('"1 viewer" in the status bar', () => api.statusBarText === '$(eye) 1 viewer', 10_000);
    const line = `ssh -p ${relayPort(first)} ${id}@127.0.0.1`;
    await waitUntil('the tooltip to name the relay and its viewer', () => {
      const tip = api.statusBarTooltip ?? '';
      return tip.includes(`Through a relay: ${line}`) && tip.includes('via relay ui-relay-1') ? tip : undefined;
    }, 15_000);
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('guestBroadcast.copyRelayWatchCommand');
    assert.equal(await vscode.env.clipboard.readText(), line);
    await notification(`Watch host with ${id}@127.0.0.1:${relayPort(first)}`);
    await guest.stop();
  });

  it('the viewer watches <id>@relay1,relay2: the host screen, then again through relay2 when relay1 stops', async () => {
    const [first] = relays;
    const second = await relay('ui-relay-2');
    // The user trusted relay 1's key; relay 2 has the same key (one --host-key file): trusted with it.
    await trustLoopbackHost(relayPort(first));
    const spec = `${id}@127.0.0.1:${relayPort(first)},127.0.0.1:${relayPort(second)}`;
    await vscode.commands.executeCommand('guestBroadcast.watch', spec);
    await waitUntil('Live', async () => (await text(spec, '#status-text')).startsWith('Live'), 30_000);
    await waitUntil('the host screen through relay 1', async () => (await text(spec, '#terminal .xterm-rows')).includes(marker), 30_000);
    await waitUntil('the viewer listed as a relay viewer', () => api.status()?.viewers.some((v) => v.route === 'relay' && (v.address ?? '').endsWith('via ui-relay-1')), 30_000);

    await first.stop();
    const after = `after-relay-stop-${process.pid}`;
    api.hostTerminal?.sendText(`echo ${after}`);
    await waitUntil('the host screen through relay 2', async () => (await text(spec, '#terminal .xterm-rows')).includes(after), 45_000);
    assert.ok((await text(spec, '#terminal .xterm-rows')).includes(marker), 'the screen from before the stop is still there (the snapshot)');
    await waitUntil('Live again', async () => (await text(spec, '#status-text')).startsWith('Live'), 15_000);
    await waitUntil('the viewer listed through relay 2', () => api.status()?.viewers.some((v) => v.route === 'relay' && (v.address ?? '').endsWith('via ui-relay-2')), 30_000);
  });

  it('a list of relays is kept as a saved host, and the hosts view shows every relay of it', async () => {
    const config = () => vscode.workspace.getConfiguration('guestBroadcast');
    const spec = `${id}@relay-a.invalid:2223,relay-b.invalid:2224`;
    try {
      await config().update('hosts', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('guestBroadcast.hosts.add', spec);
      assert.deepEqual(config().get('hosts'), [{ target: spec }]);
      const row = await waitUntil('the saved row', async () => {
        const [group] = (await api.hostsTree.getChildren()) ?? [];
        const rows = group ? ((await api.hostsTree.getChildren(group)) ?? []) : [];
        const item = rows.length ? await api.hostsTree.getTreeItem(rows[0]) : undefined;
        return item && String(item.label) === spec ? item : undefined;
      }, 10_000);
      assert.ok(row && !String(row.description ?? '').includes('cannot be watched'), `the row says: ${String(row?.description)}`);
    } finally {
      await config().update('hosts', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
