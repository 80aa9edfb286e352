// The "Broadcast hosts" tree: saved hosts and ~/.ssh/config aliases, each showing whether it is
// being watched. Empty (nothing saved, no aliases): VS Code shows the view's welcome content.
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { formatTargetList } from '../../watcher/targetList';
import type { WatchState, WatchTarget } from '../../watcher/types';
import type { WatcherRegistry } from '../watcher/watcherRegistry';
import { readSavedHosts } from './savedHostsSetting';

export type HostSource = 'saved' | 'sshConfig';

export interface GroupNode {
  kind: 'group';
  source: HostSource;
}

export interface HostNode {
  kind: 'host';
  source: HostSource;
  /** What Watch connects to: the saved target or the alias. */
  spec: string;
  name?: string;
  target?: WatchTarget;
  /** Why `spec` does not resolve (a bad saved target or a broken ssh config entry). */
  problem?: string;
}

export interface ProblemNode {
  kind: 'problem';
  message: string;
}

export type HostsNode = GroupNode | HostNode | ProblemNode;

export function sshConfigPath(): string {
  return join(homedir(), '.ssh', 'config');
}

const GROUP_LABELS: Record<HostSource, string> = { saved: 'Saved hosts', sshConfig: 'SSH config' };

function describeState(state: WatchState): { text: string; icon: vscode.ThemeIcon } {
  switch (state.kind) {
    case 'live': return { text: 'watching', icon: new vscode.ThemeIcon('eye', new vscode.ThemeColor('charts.green')) };
    case 'connecting': return { text: 'connecting…', icon: new vscode.ThemeIcon('loading~spin') };
    case 'reconnecting': return { text: `reconnecting in ${state.inSeconds} s`, icon: new vscode.ThemeIcon('loading~spin') };
    case 'ended': return { text: 'broadcast ended', icon: new vscode.ThemeIcon('eye-closed') };
    case 'error': return { text: 'error', icon: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')) };
  }
}

export class HostsTreeProvider implements vscode.TreeDataProvider<HostsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<HostsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private lastProblems = '';
  /** Resolved targets by spec; kept while only watch states change (they change every second
   * while a viewer counts down to a reconnect), dropped when settings or ~/.ssh/config change. */
  private resolved = new Map<string, Promise<WatchTarget>>();

  /**
   * @param registry answers who is watched (watcherLoader.ts: nobody, until the watcher is loaded).
   * @param onRead called whenever the rows are read, so the caller can start watching the files
   *   they come from only once they are shown.
   */
  constructor(
    private readonly registry: Pick<WatcherRegistry, 'stateOf'>,
    private readonly onRead: () => void = () => undefined,
  ) {}

  /** Hosts may have changed (settings, ~/.ssh/config, the Refresh button): read them again. */
  refresh(): void {
    this.resolved.clear();
    this.changed.fire(undefined);
  }

  /** Only who is being watched changed: redraw the rows. */
  watchStatesChanged(): void {
    this.changed.fire(undefined);
  }

  private resolve(spec: string): Promise<WatchTarget> {
    let target = this.resolved.get(spec);
    if (!target) {
      // ~/.ssh/config's reader is loaded with the first rows, not at activation.
      target = import('../../watcher/resolveTarget').then((m) => m.resolveTarget(spec));
      target.catch(() => undefined); // awaited by getChildren; this only keeps it from being "unhandled"
      this.resolved.set(spec, target);
    }
    return target;
  }

  dispose(): void {
    this.changed.dispose();
  }

  async getChildren(node?: HostsNode): Promise<HostsNode[]> {
    if (!node) {
      this.onRead();
      const groups: HostsNode[] = [];
      if (this.savedSpecs().length) groups.push({ kind: 'group', source: 'saved' });
      const aliases = await this.aliases();
      if (aliases instanceof Error) groups.push({ kind: 'problem', message: aliases.message });
      else if (aliases.length) groups.push({ kind: 'group', source: 'sshConfig' });
      return groups;
    }
    if (node.kind !== 'group') return [];
    const entries = node.source === 'saved'
      ? this.savedSpecs()
      : await (async () => { const a = await this.aliases(); return a instanceof Error ? [] : a.map((spec) => ({ spec, name: undefined })); })();
    return Promise.all(entries.map(async ({ spec, name }): Promise<HostNode> => {
      try {
        return { kind: 'host', source: node.source, spec, name, target: await this.resolve(spec) };
      } catch (error) {
        return { kind: 'host', source: node.source, spec, name, problem: (error as Error).message };
      }
    }));
  }

  getTreeItem(node: HostsNode): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(GROUP_LABELS[node.source], vscode.TreeItemCollapsibleState.Expanded);
      item.id = `group:${node.source}`;
      item.contextValue = `group.${node.source}`;
      return item;
    }
    if (node.kind === 'problem') {
      const item = new vscode.TreeItem('SSH config cannot be read', vscode.TreeItemCollapsibleState.None);
      item.description = node.message;
      item.tooltip = node.message;
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
      item.command = { command: 'guestBroadcast.hosts.openSshConfig', title: 'Open SSH config' };
      return item;
    }
    return this.hostItem(node);
  }

  private hostItem(node: HostNode): vscode.TreeItem {
    const label = node.name ?? node.spec;
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.source}:${node.spec}`;
    const state = node.target ? this.registry.stateOf(node.target) : undefined;
    const resolved = node.target ? formatTargetList(node.target) : undefined;
    const details: string[] = [];
    if (resolved && resolved !== label) details.push(resolved);
    if (node.problem) {
      details.push('cannot be watched');
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    } else if (state) {
      const shown = describeState(state);
      details.push(shown.text);
      item.iconPath = shown.icon;
    } else {
      item.iconPath = new vscode.ThemeIcon(node.source === 'saved' ? 'vm' : 'remote');
    }
    item.description = details.join(' · ');
    item.contextValue = `host.${node.source}${state ? '.watched' : ''}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**${escapeMarkdown(label)}**\n\n`);
    if (node.target) tooltip.appendMarkdown(`Connects to \`${resolved}\`${node.source === 'sshConfig' ? ' (from ~/.ssh/config)' : ''}\n\n`);
    if (node.problem) tooltip.appendMarkdown(`$(warning) ${escapeMarkdown(node.problem)}\n\n`);
    if (state) tooltip.appendMarkdown(`$(eye) ${escapeMarkdown(describeState(state).text)}${state.kind === 'error' ? `: ${escapeMarkdown(state.message)}` : ''}`);
    else if (!node.problem) tooltip.appendMarkdown('Not watched. Watch opens a read-only viewer; nothing you type is sent.');
    item.tooltip = tooltip;
    return item;
  }

  private savedSpecs(): { spec: string; name?: string }[] {
    const { hosts, problems } = readSavedHosts();
    const summary = problems.join('\n');
    if (summary && summary !== this.lastProblems) void vscode.window.showWarningMessage(`Guest Broadcast: ${problems.join(' ')}`);
    this.lastProblems = summary;
    return hosts.map((h) => ({ spec: h.target, name: h.name }));
  }

  private async aliases(): Promise<string[] | Error> {
    const { readSshConfigAliases } = await import('../../watcher/sshConfig');
    try {
      return readSshConfigAliases(homedir());
    } catch (error) {
      return error as Error;
    }
  }
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
