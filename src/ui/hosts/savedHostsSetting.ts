// Reads and writes the `guestBroadcast.hosts` setting where the user keeps it (workspace settings
// when they have put the list there, user settings otherwise).
import * as vscode from 'vscode';
import { parseSavedHosts, SETTING_KEY, SETTING_SECTION, type SavedHost, type SavedHostList } from './savedHostList';

export function readSavedHosts(): SavedHostList {
  return parseSavedHosts(vscode.workspace.getConfiguration(SETTING_SECTION).get<unknown>(SETTING_KEY));
}

export async function writeSavedHosts(hosts: SavedHost[]): Promise<void> {
  const config = vscode.workspace.getConfiguration(SETTING_SECTION);
  const where = config.inspect<unknown>(SETTING_KEY)?.workspaceValue !== undefined
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  await config.update(SETTING_KEY, hosts, where);
}

export function affectsSavedHosts(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SETTING_SECTION}.${SETTING_KEY}`);
}
