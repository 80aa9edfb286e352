// `$(broadcast) N viewers` while this window broadcasts; hidden otherwise. Click: Show viewers.
import * as vscode from 'vscode';
import { viewerCountLabel } from '../host/viewers';
import { ActiveBroadcast } from './activeBroadcast';

export class ViewerStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;
  private visible = false;

  constructor(private readonly active: ActiveBroadcast) {
    this.item = vscode.window.createStatusBarItem('guestBroadcast.viewers', vscode.StatusBarAlignment.Left, 100);
    this.item.name = 'Guest Broadcast viewers';
    this.item.command = 'guestBroadcast.showViewers';
    this.subscription = active.onDidChange(() => this.render());
    this.render();
  }

  /** What the item shows, undefined while hidden (tests read it through the extension's API). */
  get text(): string | undefined {
    return this.visible ? this.item.text : undefined;
  }

  private render(): void {
    const broadcast = this.active.current;
    if (!broadcast) {
      this.item.hide();
      this.visible = false;
      return;
    }
    const viewers = broadcast.viewers;
    this.item.text = `$(broadcast) ${viewerCountLabel(viewers.length)}`;
    // Guest names come from the guests (any name in open access): text, never markdown.
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown('**Guest Broadcast**\n\n');
    tooltip.appendText(`Session "${broadcast.sessionName}" (${broadcast.mode} mode)\nGuests watch with: ${broadcast.watchCommand}\n`);
    tooltip.appendText(viewers.length ? viewers.map((v) => `• ${v.user} (${v.cols}×${v.rows})`).join('\n') : 'Nobody is watching yet.');
    tooltip.appendMarkdown('\n\nClick for the viewer list.');
    this.item.tooltip = tooltip;
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
