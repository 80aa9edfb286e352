// The guest's side of the extension, registered in one call from activate(): the Watch command,
// the viewer panels (restored after a reload), and the "Broadcast hosts" sidebar.
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { openWatchSession, resolveTarget } from '../../watcher';
import { registerHostCommands } from '../hosts/hostCommands';
import { HostsTreeProvider, sshConfigPath } from '../hosts/hostsTree';
import { affectsSavedHosts, readSavedHosts } from '../hosts/savedHostsSetting';
import { readTerminalConfig, WATCHED_SETTINGS } from './terminalConfig';
import { VIEWER_VIEW_TYPE, type ViewerPanelDeps } from './watcherPanel';
import { WatcherRegistry } from './watcherRegistry';
import { vscodePrompts } from './vscodePrompts';
import { registerWatchCommand } from './watchHostCommand';

/** globalState key prefix of a destination's size mode (fit / my size). */
const SIZE_MODE_KEY = 'guestBroadcast.sizeMode';

/** Returns the hosts view's data provider (the extension's API shows it to tests). */
export function registerWatcherUi(context: vscode.ExtensionContext): HostsTreeProvider {
  const deps: ViewerPanelDeps = {
    extensionUri: context.extensionUri,
    openSession: (target, prompts, size) => openWatchSession(target, prompts, {
      cols: size.cols,
      rows: size.rows,
      // Keys trusted on first use in VS Code; ~/.ssh/known_hosts is read as well, never written.
      hostKeyStorePath: join(context.globalStorageUri.fsPath, 'known_hosts'),
    }),
    prompts: (_target, title, closed) => vscodePrompts(title, closed),
    terminalConfig: () => readTerminalConfig((section, key) => vscode.workspace.getConfiguration(section).get<unknown>(key)),
    sizeModes: {
      get: (key) => {
        const mode = context.globalState.get<unknown>(`${SIZE_MODE_KEY}:${key}`);
        return mode === 'fit' || mode === 'mine' ? mode : undefined;
      },
      set: (key, mode) => void context.globalState.update(`${SIZE_MODE_KEY}:${key}`, mode),
    },
  };
  const registry = new WatcherRegistry(deps, (spec) => resolveTarget(spec), (spec, key) => {
    const saved = readSavedHosts().hosts.find((h) => h.target === spec.trim() || h.target === key);
    return saved?.name;
  });
  const tree = new HostsTreeProvider(registry);
  const view = vscode.window.createTreeView('guestBroadcast.hosts', { treeDataProvider: tree });
  const showWatchCount = () => {
    view.badge = registry.size ? { value: registry.size, tooltip: `Watching ${registry.size} broadcast${registry.size === 1 ? '' : 's'}` } : undefined;
  };
  const sshConfigWatcher = vscode.workspace.createFileSystemWatcher(
    new vscode.RelativePattern(vscode.Uri.file(dirname(sshConfigPath())), 'config'));

  context.subscriptions.push(
    registry,
    tree,
    view,
    sshConfigWatcher,
    registry.onDidChange(() => {
      tree.watchStatesChanged();
      showWatchCount();
    }),
    sshConfigWatcher.onDidChange(() => tree.refresh()),
    sshConfigWatcher.onDidCreate(() => tree.refresh()),
    sshConfigWatcher.onDidDelete(() => tree.refresh()),
    registerWatchCommand(context, registry),
    ...registerHostCommands(registry, tree),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsSavedHosts(event)) tree.refresh();
      if (WATCHED_SETTINGS.some((s) => event.affectsConfiguration(s))) registry.settingsChanged();
    }),
    vscode.window.onDidChangeActiveColorTheme(() => registry.themeChanged()),
    // After a window reload VS Code brings the viewer tabs back; each reconnects to its target.
    vscode.window.registerWebviewPanelSerializer(VIEWER_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const spec = typeof state === 'object' && state !== null ? (state as { spec?: unknown }).spec : undefined;
        if (typeof spec === 'string' && spec) await registry.restore(panel, spec);
        else panel.dispose();
      },
    }),
  );
  return tree;
}
