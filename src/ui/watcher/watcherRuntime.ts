// The watcher's running half, loaded when it is first needed (a Watch, a restored viewer tab, a
// hosts-view command; see watcherLoader.ts): the registry of viewer panels, wired to the SSH
// watch sessions. Activation does not load it: nobody may watch anything in this window.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { openWatchSession, resolveTarget } from '../../watcher';
import { readSavedHosts } from '../hosts/savedHostsSetting';
import { readTerminalConfig } from './terminalConfig';
import type { ViewerPanelDeps } from './watcherPanel';
import { WatcherRegistry } from './watcherRegistry';
import { vscodePrompts } from './vscodePrompts';

export { watchCommand } from './watchHostCommand';
export { hostCommands } from '../hosts/hostCommands';

/** globalState key prefix of a destination's size mode (fit / my size). */
const SIZE_MODE_KEY = 'guestBroadcast.sizeMode';

export function createWatcherRegistry(context: vscode.ExtensionContext): WatcherRegistry {
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
  return new WatcherRegistry(deps, (spec) => resolveTarget(spec), (spec, key) => {
    const saved = readSavedHosts().hosts.find((h) => h.target === spec.trim() || h.target === key);
    return saved?.name;
  });
}
