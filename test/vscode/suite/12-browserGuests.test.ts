// Browser guests from VS Code: guestBroadcast.web starts the browser route beside the SSH route;
// the page answers at the link (with its CSP), a browser guest counts as a viewer in the status
// bar and is marked as one, Copy browser link copies the link, and a stop tells the page.
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { join } from 'node:path';
import * as vscode from 'vscode';
import WebSocket from 'ws';
import { Tmux } from '../../../src/tmux/tmux';
import type { GuestBroadcastApi } from '../../../src/ui/api';
import { extensionApi, freePort, resetSettings, setSettings, socketDir, waitUntil } from './helpers';

/** GET `url`: status and headers (the body is read and dropped). */
function fetchHead(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    }).once('error', reject);
  });
}

describe('browser guests (guestBroadcast.web)', function () {
  this.timeout(90_000);
  let api: GuestBroadcastApi;
  let tmux: Tmux;
  let webPort: number;
  let socket: WebSocket | undefined;
  const fromServer: string[] = [];

  before(async () => {
    api = await extensionApi();
    tmux = new Tmux(join(socketDir('gb-web-'), 'sock', 'guest'));
    const sshPort = await freePort();
    webPort = await freePort();
    await setSettings({ mode: 'embedded', socketPath: tmux.socketPath, sessionName: 'webdemo', listen: `127.0.0.1:${sshPort}`, web: `127.0.0.1:${webPort}`, access: 'open', notifyOnJoin: false });
  });

  after(async () => {
    socket?.terminate();
    await vscode.commands.executeCommand('guestBroadcast.stop');
    await tmux.killServer().catch(() => undefined);
    await resetSettings();
  });

  it('Start serves the page at the secret link, beside the SSH route', async () => {
    await vscode.commands.executeCommand('guestBroadcast.start');
    const web = api.status()?.web;
    assert.ok(web && web.url.startsWith(`http://127.0.0.1:${webPort}/w/`), JSON.stringify(web));
    const page = await fetchHead(web.url);
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    const wrong = await fetchHead(`http://127.0.0.1:${webPort}/w/not-the-secret/`);
    assert.equal(wrong.status, 404);
  });

  it('a browser guest is a viewer, marked as one', async () => {
    const url = new URL(api.status()!.web!.url);
    socket = new WebSocket(`ws://${url.host}${url.pathname}socket`, { origin: `http://${url.host}` });
    socket.on('message', (data, isBinary) => void (isBinary ? undefined : fromServer.push(data.toString())));
    await new Promise<void>((resolve, reject) => socket!.once('open', () => resolve()).once('error', reject));
    socket.send(JSON.stringify({ type: 'size', cols: 90, rows: 28 }));
    await waitUntil('"1 viewer" in the status bar', () => api.statusBarText === '$(eye) 1 viewer', 20_000);
    const guest = api.status()?.viewers[0];
    assert.equal(guest?.route, 'web');
    assert.equal(guest?.cols, 90);
  });

  it('Copy browser link copies the link', async () => {
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('guestBroadcast.copyBrowserLink');
    assert.equal(await vscode.env.clipboard.readText(), api.status()?.web?.url);
  });

  it('Stop tells the page the broadcast ended', async () => {
    await vscode.commands.executeCommand('guestBroadcast.stop');
    await waitUntil('the page to be told', () => fromServer.some((m) => m.includes('"end"') && m.includes('stopped')), 15_000);
  });
});
