// Every command the manifest contributes is registered, under the titles users look for.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, extensionApi } from './helpers';

const EXPECTED: Record<string, string> = {
  'guestBroadcast.start': 'Start guest broadcast',
  'guestBroadcast.stop': 'Stop guest broadcast',
  'guestBroadcast.showViewers': 'Show viewers',
  'guestBroadcast.copyWatchCommand': 'Copy watch command',
  'guestBroadcast.copyBrowserLink': 'Copy browser link',
  'guestBroadcast.copyRelayWatchCommand': 'Copy relay watch command',
  'guestBroadcast.copyPassphrase': 'Copy guest passphrase',
  'guestBroadcast.regeneratePassphrase': 'Regenerate guest passphrase',
  'guestBroadcast.setupGuest': 'Set up guest account',
  'guestBroadcast.checkGuestSetup': 'Check guest setup',
  'guestBroadcast.pause': 'Pause broadcast',
  'guestBroadcast.resume': 'Resume broadcast',
  'guestBroadcast.startRecording': 'Start recording…',
  'guestBroadcast.stopRecording': 'Stop recording',
};

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

describe('commands', () => {
  it('registers every contributed command', async () => {
    await extensionApi();
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: ContributedCommand[] } }).contributes.commands;
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'contributed but not registered');
  });

  it('contributes the host commands with their titles under the category "Guest Broadcast"', () => {
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: ContributedCommand[] } }).contributes.commands;
    const byId = new Map(contributed.map((c) => [c.command, c]));
    for (const [id, title] of Object.entries(EXPECTED)) {
      assert.equal(byId.get(id)?.title, title, `title of ${id}`);
    }
    for (const c of contributed) assert.equal(c.category, 'Guest Broadcast', `category of ${c.command}`);
  });
});
