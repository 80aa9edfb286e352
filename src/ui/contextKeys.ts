// Context keys for the commands' `when` clauses (package.json), so the palette offers what fits
// the moment: Stop and Show viewers only while broadcasting, the passphrase commands only with
// password access in embedded mode, the guest-account commands only in system mode.
//   guestBroadcast.broadcasting  this window runs (or adopted) a broadcast
//   guestBroadcast.mode          "embedded" | "system": the running broadcast's, else the setting
//   guestBroadcast.access        "open" | "password" | "keys": the same
//   guestBroadcast.paused        the running broadcast's guests see the curtain (Resume is offered)
//   guestBroadcast.recording     the running broadcast records the host's screen (Stop recording is offered)
//   guestBroadcast.relay         the running broadcast is served through relays (Copy relay watch command is offered)
import * as vscode from 'vscode';
import { ActiveBroadcast } from './activeBroadcast';

export interface HostContextValues {
  broadcasting: boolean;
  paused: boolean;
  recording: boolean;
  relay: boolean;
  mode: string;
  access: string;
}

export class HostContextKeys implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[];
  private last = '';

  constructor(private readonly active: ActiveBroadcast) {
    this.subscriptions = [
      active.onDidChange(() => this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('guestBroadcast.mode') || e.affectsConfiguration('guestBroadcast.access')) this.update();
      }),
    ];
    this.update();
  }

  /** The values as set last (tests read them through the extension's API). */
  get values(): HostContextValues {
    return JSON.parse(this.last || '{}') as HostContextValues;
  }

  private update(): void {
    const broadcast = this.active.current;
    const config = vscode.workspace.getConfiguration('guestBroadcast');
    const values: HostContextValues = {
      broadcasting: broadcast !== undefined,
      paused: broadcast?.curtain.paused ?? false,
      recording: broadcast?.recording !== undefined,
      relay: broadcast?.describeRoutes().some((r) => r.kind === 'relay') ?? false,
      mode: broadcast?.mode ?? config.get<string>('mode', 'embedded'),
      access: this.active.startedWith?.access ?? config.get<string>('access', 'open'),
    };
    const json = JSON.stringify(values);
    if (json === this.last) return;
    this.last = json;
    for (const [key, value] of Object.entries(values)) void vscode.commands.executeCommand('setContext', `guestBroadcast.${key}`, value);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
