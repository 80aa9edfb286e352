// `$(eye) N viewers` while this window broadcasts; hidden otherwise. Click: Show viewers.
// The eye, not the broadcast glyph: VS Code's Ports item beside it shows a radio tower that looks
// nearly the same. Paused (the privacy curtain is down, from here, the CLI or the tmux key):
// `$(debug-pause) Paused · N viewers` on the warning colour, so the host sees at a glance that
// guests see the curtain; click: Resume, change the message, or the viewers.
import * as vscode from 'vscode';
import { viaRelay, viewerCountLabel } from '../host/guests';
import { ActiveBroadcast } from './activeBroadcast';
import { readHostSize } from '../tmux/hostSize';
import type { TerminalSize } from '../wire/hostSize';

/** How often the tooltip's host window size is read from tmux while broadcasting. */
const HOST_SIZE_EVERY_MS = 3000;

export class BroadcastStatusBar implements vscode.Disposable {
  /** Created when there is first something to show: most windows never broadcast. */
  private item: vscode.StatusBarItem | undefined;
  private readonly subscription: vscode.Disposable;
  private visible = false;
  private plainTooltip = '';
  private hostSize: TerminalSize | undefined;
  private sizeTimer: NodeJS.Timeout | undefined;

  constructor(private readonly active: ActiveBroadcast) {
    this.subscription = active.onDidChange(() => this.render());
    this.render();
  }

  private createItem(): vscode.StatusBarItem {
    const item = vscode.window.createStatusBarItem('guestBroadcast.viewers', vscode.StatusBarAlignment.Left, 100);
    item.name = 'Guest Broadcast viewers';
    item.command = 'guestBroadcast.showViewers';
    return item;
  }

  /** What the item shows, undefined while hidden (tests read it through the extension's API). */
  get text(): string | undefined {
    return this.visible ? this.item?.text : undefined;
  }

  /** The tooltip as plain text, undefined while hidden (tests read it through the extension's API). */
  get tooltipText(): string | undefined {
    return this.visible ? this.plainTooltip : undefined;
  }

  /** The tooltip's markdown source, the accessible label and what a click runs (tests check that none misleads). */
  get rendered(): { markdown: string; accessibleLabel: string; command: string } | undefined {
    if (!this.visible || !this.item) return undefined;
    const tooltip = this.item.tooltip;
    const command = typeof this.item.command === 'string' ? this.item.command : (this.item.command?.command ?? '');
    return { markdown: tooltip instanceof vscode.MarkdownString ? tooltip.value : String(tooltip ?? ''), accessibleLabel: this.item.accessibilityInformation?.label ?? '', command };
  }

  private render(): void {
    const broadcast = this.active.current;
    if (!broadcast) {
      if (this.sizeTimer) clearTimeout(this.sizeTimer);
      this.sizeTimer = undefined;
      this.hostSize = undefined;
      this.item?.hide();
      this.visible = false;
      return;
    }
    this.item ??= this.createItem();
    const viewers = broadcast.guests;
    const curtain = broadcast.curtain;
    this.item.text = curtain.paused ? `$(debug-pause) Paused · ${viewerCountLabel(viewers.length)}` : `$(eye) ${viewerCountLabel(viewers.length)}`;
    this.item.backgroundColor = curtain.paused ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.command = curtain.paused ? 'guestBroadcast.curtainActions' : 'guestBroadcast.showViewers';
    const curtainLine = curtain.paused ? pausedLine(curtain.message) : '';
    // Guest names come from the guests (any name in open access): text, never markdown.
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(curtain.paused ? '**Guest Broadcast: paused**\n\n' : '**Guest Broadcast**\n\n');
    // The host's message is their own text, shown as text.
    if (curtain.paused) tooltip.appendText(`${curtainLine}\n\n`);
    this.followHostSize();
    const size = this.hostSize;
    const window = size ? `Your window: ${size.cols}x${size.rows} (guests in fit mode see this size)` : 'Your window: not attached';
    // The watch command as code: as text, "guest@127.0.0.1" would become a mailto link.
    tooltip.appendText(`Session "${broadcast.sessionName}" (${broadcast.mode} mode)\nGuests watch with: `);
    tooltip.appendMarkdown(`\`${broadcast.joinCommand.replace(/`/g, '')}\``);
    const relay = broadcast.status().relay;
    if (relay) {
      tooltip.appendText('\nThrough a relay: ');
      tooltip.appendMarkdown(`\`${relay.watch.replace(/`/g, '')}\``);
    }
    tooltip.appendText(`\n${window}\n`);
    tooltip.appendText(viewers.length ? viewers.map((v) => `• ${v.user} (${v.cols}×${v.rows})${viaRelay(v)}`).join('\n') : 'Nobody is watching yet.');
    const click = curtain.paused ? 'Click to resume, or to change the message.' : 'Click for the viewer list.';
    tooltip.appendMarkdown(`\n\n${click}`);
    this.plainTooltip = [
      curtain.paused ? 'Guest Broadcast: paused' : 'Guest Broadcast',
      ...(curtain.paused ? [curtainLine] : []),
      `Session "${broadcast.sessionName}" (${broadcast.mode} mode)`,
      `Guests watch with: ${broadcast.joinCommand}`,
      ...(relay ? [`Through a relay: ${relay.watch}`] : []),
      window,
      viewers.length ? viewers.map((v) => `${v.user} (${v.cols}×${v.rows})${viaRelay(v)}`).join(', ') : 'Nobody is watching yet.',
      click,
    ].join('\n');
    this.item.tooltip = tooltip;
    // Screen readers get plain words, not the tooltip's markdown.
    const state = curtain.paused ? ' Paused: guests see the curtain, not the session.' : '';
    this.item.accessibilityInformation = {
      label: `Guest Broadcast: ${viewerCountLabel(viewers.length)} watching session ${broadcast.sessionName}.${state} ${click}`,
      role: 'button',
    };
    this.item.show();
    this.visible = true;
  }

  /**
   * The host's window size (its read-write tmux client) for the tooltip, read every few seconds
   * while broadcasting; VS Code's API does not tell an extension its terminal's size.
   */
  private followHostSize(): void {
    if (this.sizeTimer) return;
    const broadcast = this.active.current;
    if (!broadcast) return;
    this.sizeTimer = setTimeout(async () => {
      const size = await readHostSize(broadcast.tmux).catch(() => undefined);
      this.sizeTimer = undefined;
      if (this.active.current !== broadcast) return;
      const changed = size?.cols !== this.hostSize?.cols || size?.rows !== this.hostSize?.rows;
      this.hostSize = size;
      if (changed) this.render();
      else this.followHostSize();
    }, this.hostSize ? HOST_SIZE_EVERY_MS : 0);
  }

  dispose(): void {
    if (this.sizeTimer) clearTimeout(this.sizeTimer);
    this.subscription.dispose();
    this.item?.dispose();
  }
}

/** What guests read while paused, for the tooltip. */
function pausedLine(message: string): string {
  return message ? `Guests see the curtain with your message: "${message}"` : 'Guests see the curtain with the default message.';
}
