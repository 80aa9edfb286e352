// The guest's side of the extension, registered in one call from activate(): the Watch command,
// the viewer panels (restored after a reload), and the "Broadcast hosts" sidebar. Only the
// sidebar and the registrations are built here; the watcher's code (SSH sessions, panels, the
// commands) is loaded when one of them is first used (watcherLoader.ts, lazyCommand.ts).
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { HOST_COMMAND_IDS } from '../hosts/hostCommandIds';
import { HostsTreeProvider, sshConfigPath } from '../hosts/hostsTree';
import { affectsSavedHosts } from '../hosts/savedHostsSetting';
import { lazyCommand } from '../lazyCommand';
import { WATCHED_SETTINGS } from './terminalConfig';
import { VIEWER_VIEW_TYPE } from './viewerViewType';
import { WatcherLoader } from './watcherLoader';

/** Returns the hosts view's data provider (the extension's API shows it to tests). */
export function registerWatcherUi(context: vscode.ExtensionContext): HostsTreeProvider {
  const watcher = new WatcherLoader(context);
  // ~/.ssh/config is watched from the first time the rows are read (a window whose sidebar never
  // shows the view never reads the file); then a change of it redraws them.
  let sshConfigWatcher: vscode.FileSystemWatcher | undefined;
  const watchSshConfig = () => {
    if (sshConfigWatcher) return;
    sshConfigWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dirname(sshConfigPath())), 'config'));
    sshConfigWatcher.onDidChange(() => tree.refresh());
    sshConfigWatcher.onDidCreate(() => tree.refresh());
    sshConfigWatcher.onDidDelete(() => tree.refresh());
  };
  const tree = new HostsTreeProvider(watcher, watchSshConfig);
  const view = vscode.window.createTreeView('guestBroadcast.hosts', { treeDataProvider: tree });
  const showWatchCount = () => {
    view.badge = watcher.size ? { value: watcher.size, tooltip: `Watching ${watcher.size} broadcast${watcher.size === 1 ? '' : 's'}` } : undefined;
  };
  const watch = lazyCommand(async () => {
    const { module, registry } = await watcher.load();
    return module.watchCommand(context, registry);
  });
  const hostCommands = lazyCommand(async () => {
    const { module, registry } = await watcher.load();
    const commands = module.hostCommands(registry, tree);
    return async (id: (typeof HOST_COMMAND_IDS)[number], arg?: unknown) => commands[id](arg);
  });

  context.subscriptions.push(
    watcher,
    tree,
    view,
    { dispose: () => sshConfigWatcher?.dispose() },
    watcher.onDidChange(() => {
      tree.watchStatesChanged();
      showWatchCount();
    }),
    vscode.commands.registerCommand('guestBroadcast.watch', watch),
    ...HOST_COMMAND_IDS.map((id) => vscode.commands.registerCommand(id, (arg?: unknown) => hostCommands(id, arg))),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsSavedHosts(event)) tree.refresh();
      if (WATCHED_SETTINGS.some((s) => event.affectsConfiguration(s))) watcher.settingsChanged();
    }),
    vscode.window.onDidChangeActiveColorTheme(() => watcher.themeChanged()),
    // After a window reload VS Code brings the viewer tabs back; each reconnects to its target.
    vscode.window.registerWebviewPanelSerializer(VIEWER_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const spec = typeof state === 'object' && state !== null ? (state as { spec?: unknown }).spec : undefined;
        if (typeof spec === 'string' && spec) await (await watcher.load()).registry.restore(panel, spec);
        else panel.dispose();
      },
    }),
  );
  return tree;
}
