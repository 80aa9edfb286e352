// The hosts view's commands: add, edit and remove saved hosts, watch or stop watching a row,
// refresh, and open ~/.ssh/config. Saved hosts live in the `guestBroadcast.hosts` setting.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { WatcherRegistry } from '../watcher/watcherRegistry';
import { validateTargetSpec } from '../watcher/watchHostCommand';
import type { HostCommandId } from './hostCommandIds';
import { sshConfigPath, type HostNode, type HostsTreeProvider } from './hostsTree';
import { withHost, withoutHost, type SavedHost } from './savedHostList';
import { readSavedHosts, writeSavedHosts } from './savedHostsSetting';

/** Asks for a target and an optional name; undefined when the user cancels either box. */
async function askForHost(current?: SavedHost): Promise<SavedHost | undefined> {
  const title = current ? `Guest Broadcast: Edit ${current.name ?? current.target}` : 'Guest Broadcast: Add host';
  const target = await vscode.window.showInputBox({
    title,
    prompt: 'The broadcast host as [user@]host[:port] or an ~/.ssh/config alias (the user defaults to guest, the port to 22), or relays to fail over to: ID@relay1:2223,relay2:2223.',
    placeHolder: 'guest@example.org:2222',
    value: current?.target ?? '',
    ignoreFocusOut: true,
    validateInput: validateTargetSpec,
  });
  if (target === undefined) return undefined;
  const name = await vscode.window.showInputBox({
    title,
    prompt: 'A name for the list (optional: leave empty to show the host itself).',
    placeHolder: "Alice's laptop",
    value: current?.name ?? '',
    ignoreFocusOut: true,
  });
  if (name === undefined) return undefined;
  return { target: target.trim(), ...(name.trim() ? { name: name.trim() } : {}) };
}

async function saveEdited(update: (hosts: SavedHost[]) => SavedHost[]): Promise<boolean> {
  try {
    await writeSavedHosts(update(readSavedHosts().hosts));
    return true;
  } catch (error) {
    void vscode.window.showErrorMessage(`Guest Broadcast: ${(error as Error).message}`);
    return false;
  }
}

function isHostNode(value: unknown): value is HostNode {
  return typeof value === 'object' && value !== null && (value as HostNode).kind === 'host' && typeof (value as HostNode).spec === 'string';
}

/** The hosts view's commands by id: registered by registerWatcherUi.ts (HOST_COMMAND_IDS), which loads this module on the first run of one. */
export function hostCommands(registry: WatcherRegistry, tree: HostsTreeProvider): Record<HostCommandId, (arg?: unknown) => unknown> {
  return {
    'guestBroadcast.hosts.add': async (spec?: unknown) => {
      // From "Save host" elsewhere a target may come along; otherwise ask.
      const host = typeof spec === 'string' ? { target: spec } : await askForHost();
      if (host && await saveEdited((hosts) => withHost(hosts, host))) tree.refresh();
    },
    'guestBroadcast.hosts.edit': async (node?: unknown) => {
      if (!isHostNode(node) || node.source !== 'saved') return;
      const edited = await askForHost({ target: node.spec, ...(node.name ? { name: node.name } : {}) });
      if (edited && await saveEdited((hosts) => withHost(hosts, edited, node.spec))) tree.refresh();
    },
    'guestBroadcast.hosts.remove': async (node?: unknown) => {
      if (!isHostNode(node) || node.source !== 'saved') return;
      const answer = await vscode.window.showWarningMessage(
        `Remove "${node.name ?? node.spec}" from the saved broadcast hosts?`,
        { modal: true, detail: 'An open viewer of it stays open.' },
        'Remove',
      );
      if (answer === 'Remove' && await saveEdited((hosts) => withoutHost(hosts, node.spec))) tree.refresh();
    },
    'guestBroadcast.hosts.watch': async (node?: unknown) => {
      if (isHostNode(node)) await registry.watch(node.spec);
      else await vscode.commands.executeCommand('guestBroadcast.watch');
    },
    'guestBroadcast.hosts.stopWatching': (node?: unknown) => {
      if (isHostNode(node) && node.target) registry.close(node.target);
    },
    'guestBroadcast.hosts.refresh': () => tree.refresh(),
    'guestBroadcast.hosts.openSshConfig': async () => {
      const path = sshConfigPath();
      if (!existsSync(path)) {
        // Like ssh itself: ~/.ssh is private.
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        writeFileSync(path, '', { mode: 0o600 });
      }
      await vscode.window.showTextDocument(vscode.Uri.file(path));
    },
  };
}
