// `$(record) REC` beside the viewers item while this window's broadcast records the host's screen
// (started here, or by `guest-broadcast record` in another terminal); hidden otherwise. Click:
// Stop recording. A recording that stops by itself (a full disk) is an error message; the
// broadcast goes on.
import * as vscode from 'vscode';
import { ActiveBroadcast } from './activeBroadcast';

export class RecordingStatusBar implements vscode.Disposable {
  /** Created when something first records: most windows never do. */
  private item: vscode.StatusBarItem | undefined;
  private readonly subscriptions: vscode.Disposable[];
  private shown: string | undefined;

  constructor(private readonly active: ActiveBroadcast) {
    this.subscriptions = [
      active.onDidChange(() => this.render()),
      active.onDidRecordingFail((error) => {
        void vscode.window
          .showErrorMessage(`Guest Broadcast: ${error.message}`, 'Start recording…')
          .then((choice) => choice && vscode.commands.executeCommand('guestBroadcast.startRecording'));
      }),
    ];
    this.render();
  }

  /** What the item shows, undefined while hidden (tests read it through the extension's API). */
  get text(): string | undefined {
    return this.shown !== undefined ? this.item?.text : undefined;
  }

  private render(): void {
    const path = this.active.current?.recording;
    if (path === this.shown) return;
    this.shown = path;
    if (path === undefined) {
      this.item?.hide();
      return;
    }
    if (!this.item) {
      // Just right of the viewers item (priority 100).
      this.item = vscode.window.createStatusBarItem('guestBroadcast.recording', vscode.StatusBarAlignment.Left, 99);
      this.item.name = 'Guest Broadcast recording';
      this.item.text = '$(record) REC';
      this.item.command = 'guestBroadcast.stopRecording';
    }
    // The path as text: a file name may hold markdown's characters.
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown('**Guest Broadcast: recording**\n\n');
    tooltip.appendText(`The host's screen is being recorded to ${path} (asciicast v2).`);
    tooltip.appendMarkdown('\n\nClick to stop recording.');
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: `Guest Broadcast is recording the host's screen to ${path}. Click to stop recording.`, role: 'button' };
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item?.dispose();
  }
}
