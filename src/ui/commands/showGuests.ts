// Guest Broadcast: Show viewers. A live list of who watches (name, size, since) with the
// actions a host needs there: kick a viewer, copy the watch command, stop the broadcast.
import * as vscode from 'vscode';
import { Broadcast } from '../../host/broadcast';
import { Guest, viaRelay, viewerCountLabel, watchingFor } from '../../host/guests';
import { HostParts } from '../hostParts';
import { offerStart } from './offerStart';

type Action = 'copy' | 'copyRelay' | 'passphrase' | 'stop';
interface Item extends vscode.QuickPickItem {
  viewer?: Guest;
  action?: Action;
}

const KICK: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('close'), tooltip: 'Kick this viewer' };

export function showViewers(parts: HostParts) {
  return async (): Promise<void> => {
    if (!parts.active.current) {
      offerStart('no broadcast is running.');
      return;
    }
    const pick = vscode.window.createQuickPick<Item>();
    pick.placeholder = 'Pick a viewer to kick, or an action';
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    const render = (): void => {
      const broadcast = parts.active.current;
      if (!broadcast) {
        pick.hide();
        return;
      }
      pick.title = `Guest Broadcast: ${viewerCountLabel(broadcast.guests.length)} of "${broadcast.sessionName}"`;
      pick.items = itemsFor(broadcast, broadcast.mode === 'embedded' && parts.active.startedWith?.access === 'password');
    };
    const subscriptions = [
      // The list follows joins and leaves while it is open.
      parts.active.onDidChange(render),
      pick.onDidTriggerItemButton(({ item }) => {
        if (item.viewer) void kick(parts, item.viewer);
      }),
      pick.onDidAccept(() => {
        const [item] = pick.selectedItems;
        if (!item) return;
        pick.hide();
        if (item.viewer) void confirmKick(parts, item.viewer);
        if (item.action === 'copy') void vscode.commands.executeCommand('guestBroadcast.copyWatchCommand');
        if (item.action === 'copyRelay') void vscode.commands.executeCommand('guestBroadcast.copyRelayWatchCommand');
        if (item.action === 'passphrase') void vscode.commands.executeCommand('guestBroadcast.copyPassphrase');
        if (item.action === 'stop') void vscode.commands.executeCommand('guestBroadcast.stop');
      }),
    ];
    pick.onDidHide(() => {
      subscriptions.forEach((s) => s.dispose());
      pick.dispose();
    });
    render();
    pick.show();
  };
}

function itemsFor(broadcast: Broadcast, withPassphrase: boolean): Item[] {
  const now = new Date();
  const relay = broadcast.status().relay;
  const viewers: Item[] = broadcast.guests.map((viewer) => ({
    // Names come from guests: shown as plain labels with the icon set apart, never as markup.
    label: viewer.user.replace(/\$\(/g, '$\u200b('),
    // Browser guests (the browser route) are marked: a globe and "in a browser".
    // Relay guests (route "relay") are marked too: a cloud and which relay they watch through.
    iconPath: new vscode.ThemeIcon(viewer.route === 'web' ? 'globe' : viewer.route === 'relay' ? 'cloud' : 'person'),
    description: `${viewer.cols}×${viewer.rows}${viewer.route === 'web' ? ' · in a browser' : ''}${viewer.route === 'relay' ? ` ·${viaRelay(viewer)}` : ''}`,
    detail: `watching for ${watchingFor(viewer.since, now)} (since ${viewer.since.toLocaleTimeString()})${viewer.address ? ` from ${viewer.address}` : ''} · ${viewer.name}`,
    buttons: [KICK],
    viewer,
  }));
  if (!viewers.length) viewers.push({ label: 'Nobody is watching yet', description: broadcast.joinCommand, action: 'copy' });
  return [
    ...viewers,
    { label: 'Actions', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(copy) Copy watch command', description: broadcast.joinCommand, action: 'copy' },
    ...(relay ? [{ label: '$(cloud) Copy relay watch command', description: relay.watch, action: 'copyRelay' as const }] : []),
    ...(withPassphrase ? [{ label: '$(key) Copy guest passphrase', action: 'passphrase' as const }] : []),
    { label: '$(debug-stop) Stop guest broadcast', description: 'every guest is told', action: 'stop' },
  ];
}

/** A second small pick rather than a modal dialog: the keyboard flow stays in the quick input. */
async function confirmKick(parts: HostParts, viewer: Guest): Promise<void> {
  const kickItem: vscode.QuickPickItem = {
    label: `Kick ${viewer.user.replace(/\$\(/g, '$\u200b(')}`,
    iconPath: new vscode.ThemeIcon('close'),
    detail: 'They see a one-line message; they can connect again unless you stop the broadcast.',
  };
  const answer = await vscode.window.showQuickPick([kickItem, { label: 'Cancel' }], { title: `Stop ${viewer.user.replace(/\$\(/g, '$\u200b(')} watching?`, ignoreFocusOut: false });
  if (answer === kickItem) await kick(parts, viewer);
}

async function kick(parts: HostParts, viewer: Guest): Promise<void> {
  const broadcast = parts.active.current;
  if (!broadcast) return;
  try {
    const kicked = await broadcast.kick(viewer.name);
    if (!kicked) void vscode.window.showInformationMessage(`Guest Broadcast: ${viewer.user} had already left.`);
  } catch (error) {
    void vscode.window.showErrorMessage(`Guest Broadcast: could not kick ${viewer.user}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
