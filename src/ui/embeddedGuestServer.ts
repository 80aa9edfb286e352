// Builds the embedded mode's guest SSH server factory from the settings. The embedded server
// (src/host/embedded, ssh2 and node-pty behind it) is not part of this build yet.
import * as vscode from 'vscode';
import { GuestServerFactory } from '../host/guestServer';
import { HostSettings } from './settings';

export async function embeddedGuestServerFactoryFor(_settings: HostSettings, _context: vscode.ExtensionContext): Promise<GuestServerFactory> {
  throw new Error('embedded mode is not available in this build yet. Set guestBroadcast.mode to "system" (and run "Set up guest account" once).');
}
