// Guest Broadcast: Start recording… / Stop recording. The host's screen, at the host's size, into an
// asciicast v2 file (what asciinema and asciinema-player play); the recording itself lives in
// src/host/recording/. Start asks where with VS Code's save dialog, which already asked before
// choosing an existing file, so that file is replaced. Another extension (or a keybinding) may pass
// the file instead: `executeCommand('guestBroadcast.startRecording', uri, { force })`; an
// existing file is then replaced only with force.
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import type { Broadcast } from '../../host/broadcast';
import { shellCommand } from '../../tmux/attach';
import { HostParts } from '../hostParts';
import { offerStart } from './offerStart';

const STOP = 'Stop recording';
const START = 'Start recording…';

/** A file name that sorts by time and names the session: "demo-2026-11-30-1042.cast". */
export function defaultRecordingName(session: string, now = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}`;
  const safe = session.replace(/[^\w.-]+/g, '-').replace(/^[.-]+/, '') || 'broadcast';
  return `${safe}-${stamp}.cast`;
}

/** Where the file goes on this machine (the extension runs where the files are, remote or not). */
function localPath(target: unknown): string {
  if (target instanceof vscode.Uri) {
    if (target.scheme !== 'file' && target.scheme !== 'vscode-remote') throw new Error(`Cannot record to ${target.toString()}: name a file on this machine.`);
    return target.fsPath;
  }
  if (typeof target === 'string' && isAbsolute(target)) return target;
  throw new Error('The recording file must be a file Uri or an absolute path.');
}

/** The host's choice in the save dialog; undefined when they cancelled. */
async function askFile(broadcast: Broadcast): Promise<string | undefined> {
  const name = defaultRecordingName(broadcast.sessionName);
  // The workspace folder's own Uri, so a remote window's dialog browses the remote files; with no
  // folder, the home folder where that is this machine's (a local window).
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file' || f.uri.scheme === 'vscode-remote')?.uri;
  const home = vscode.env.remoteName === undefined && process.env.HOME ? vscode.Uri.file(process.env.HOME) : undefined;
  const base = folder ?? home;
  const uri = await vscode.window.showSaveDialog({
    title: 'Guest Broadcast: record the broadcast to',
    saveLabel: 'Record',
    defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined,
    filters: { 'asciicast recordings': ['cast'], 'All files': ['*'] },
  });
  return uri ? localPath(uri) : undefined;
}

/** "Show in Explorer" when the file is in the workspace, else the OS file manager where there is one. */
async function revealAction(path: string): Promise<{ label: string; run: () => Thenable<unknown> } | undefined> {
  const uri = vscode.Uri.file(path);
  if (vscode.workspace.getWorkspaceFolder(uri)) return { label: 'Show in Explorer', run: () => vscode.commands.executeCommand('revealInExplorer', uri) };
  // A remote or web window cannot open this machine's file manager.
  if (vscode.env.remoteName === undefined && vscode.env.uiKind === vscode.UIKind.Desktop) return { label: 'Reveal in File Manager', run: () => vscode.commands.executeCommand('revealFileInOS', uri) };
  return undefined;
}

export function startRecording(parts: HostParts) {
  return async (target?: unknown, options?: { force?: boolean }): Promise<void> => {
    const broadcast = parts.active.current;
    if (!broadcast) {
      offerStart('no broadcast is running, so there is nothing to record yet.');
      return;
    }
    if (broadcast.recording) {
      void vscode.window
        .showInformationMessage(`Guest Broadcast: already recording to ${broadcast.recording}.`, STOP)
        .then((choice) => choice && vscode.commands.executeCommand('guestBroadcast.stopRecording'));
      return;
    }
    const given = target !== undefined;
    const path = given ? localPath(target) : await askFile(broadcast);
    if (path === undefined) return;
    if (parts.active.current !== broadcast) {
      offerStart('the broadcast ended before the recording started.');
      return;
    }
    // The save dialog asked before the host chose an existing file; a caller says so itself.
    const force = given ? options?.force === true : true;
    if (given && !force && existsSync(path)) {
      throw new Error(`${path} already exists: choose another file, or pass { force: true } to replace it.`);
    }
    await broadcast.startRecording(path, { force });
    void vscode.window
      .showInformationMessage(`Guest Broadcast: recording your screen to ${basename(path)} (in ${dirname(path)}). Stop with the REC item in the status bar or "Guest Broadcast: Stop recording".`, STOP)
      .then((choice) => choice && vscode.commands.executeCommand('guestBroadcast.stopRecording'));
  };
}

export function stopRecording(parts: HostParts) {
  /** Resolves to the finished file (for a caller), undefined when nothing was recording. */
  return async (): Promise<string | undefined> => {
    const broadcast = parts.active.current;
    if (!broadcast?.recording) {
      const why = broadcast ? 'not recording.' : 'no broadcast is running, so nothing is being recorded.';
      const offer = broadcast ? [START] : [];
      void vscode.window.showInformationMessage(`Guest Broadcast: ${why}`, ...offer).then((choice) => choice && vscode.commands.executeCommand('guestBroadcast.startRecording'));
      return undefined;
    }
    const path = await broadcast.stopRecording();
    if (!path) return undefined;
    const reveal = await revealAction(path);
    const actions = [...(reveal ? [reveal.label] : []), 'Copy path'];
    void vscode.window
      .showInformationMessage(`Guest Broadcast: the recording is in ${path}. Play it with: ${shellCommand(['asciinema', 'play', path])}`, ...actions)
      .then((choice) => {
        if (choice === 'Copy path') return vscode.env.clipboard.writeText(path);
        if (reveal && choice === reveal.label) return reveal.run();
        return undefined;
      });
    return path;
  };
}
