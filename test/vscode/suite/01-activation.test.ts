// Activation builds the parts and nothing more: no node-pty, no listening socket.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import * as vscode from 'vscode';
import { EXTENSION_ID, extensionApi } from './helpers';

/** Inodes of the TCP sockets this process listens on (state 0A in /proc/net/tcp*). */
function listeningSocketsOfThisProcess(): string[] {
  const listening = new Set<string>();
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A') listening.add(cols[9]);
    }
  }
  const mine: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m && listening.has(m[1])) mine.push(m[1]);
    } catch {
      // closed while we looked
    }
  }
  return mine;
}

describe('activation', () => {
  it('activates and returns its API with no broadcast running', async () => {
    const api = await extensionApi();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.equal(api.status(), undefined);
    assert.equal(api.statusBarText, undefined, 'the status bar item shows only while broadcasting');
  });

  it('does not load node-pty', async () => {
    await extensionApi();
    const loaded = Object.keys(require.cache).filter((path) => /[\\/]node-pty[\\/]/.test(path));
    assert.deepEqual(loaded, []);
  });

  it('does not listen on any socket', async () => {
    await extensionApi();
    assert.deepEqual(listeningSocketsOfThisProcess(), [], 'the extension host listens on TCP after activation');
  });
});
