// Guest Broadcast: Copy relay watch command. The line a guest types to watch through a relay on
// NATS (guestBroadcast.relay): `ssh -p PORT ID@RELAY`, and the same relay as a VS Code / `watch`
// target (ID@RELAY:PORT, to which more relays can be added to fail over to).
import * as vscode from 'vscode';
import { relayWatchTarget } from '../../host/relay/relayWatch';
import { HostParts } from '../hostParts';
import { offerStart } from './offerStart';

export function copyRelayWatchCommand(parts: HostParts) {
  return async (): Promise<void> => {
    const broadcast = parts.active.current;
    if (!broadcast) {
      offerStart('no broadcast is running, so there is nothing to watch yet.');
      return;
    }
    const relay = broadcast.status().relay;
    if (!relay) {
      void vscode.window
        .showInformationMessage(
          'Guest Broadcast: this broadcast is not served through relays. Set guestBroadcast.relay (the NATS URL your relays use, e.g. nats://127.0.0.1:4222) and start the broadcast again.',
          'Open Settings',
        )
        .then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettings', 'guestBroadcast.relay'));
      return;
    }
    await vscode.env.clipboard.writeText(relay.watch);
    const target = relayWatchTarget(relay.watch);
    void vscode.window.showInformationMessage(
      target
        ? `Guest Broadcast: copied "${relay.watch}". In VS Code, guests use Watch host with ${target} (add more relays to fail over to: ${target},OTHER-RELAY:PORT).`
        : `Guest Broadcast: copied "${relay.watch}". No relay has announced itself yet: guests replace PORT and RELAY with a relay's address (the broadcast id is ${relay.id}).`,
    );
  };
}
