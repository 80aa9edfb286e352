// Every open viewer panel, by destination: watching a host that is already open reveals its
// panel (and reconnects it if its broadcast had ended), different hosts get panels of their own.
// The hosts tree asks here whether a host is being watched.
import * as vscode from 'vscode';
import { formatTargetList } from '../../watcher';
import type { WatchState, WatchTarget } from '../../watcher/types';
import { WatcherPanel, type ViewerPanelDeps } from './watcherPanel';

export type TargetResolver = (spec: string) => Promise<WatchTarget>;

/** One key per destination, however it was named (alias, user@host, host:22; a list of relays as the list). */
export function destinationKey(target: WatchTarget): string {
  return formatTargetList(target);
}

export class WatcherRegistry implements vscode.Disposable {
  private readonly panels = new Map<string, WatcherPanel>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** A panel opened, closed or changed state. */
  readonly onDidChange = this.changed.event;

  /**
   * @param nameOf the name the user gave a destination (a saved host's name), if any: the tab
   *   says "Watching <name>"; otherwise an ssh config alias stays the alias the user picked.
   */
  constructor(
    private readonly deps: ViewerPanelDeps,
    private readonly resolve: TargetResolver,
    private readonly nameOf: (spec: string, key: string) => string | undefined = () => undefined,
  ) {}

  /** What the tab calls a destination: its saved name, the alias that was picked, or user@host:port. */
  private labelFor(spec: string, target: WatchTarget, key: string): string {
    const named = this.nameOf(spec, key);
    if (named) return named;
    // An alias is a bare word that ~/.ssh/config turned into another host (or user, or port).
    const bare = spec.trim();
    if (/^[A-Za-z0-9._-]+$/.test(bare) && bare !== target.host) return bare;
    return key;
  }

  /** Opens (or reveals) a viewer for what the user typed or picked. Errors are shown, not thrown. */
  async watch(spec: string): Promise<WatcherPanel | undefined> {
    let target: WatchTarget;
    try {
      target = await this.resolve(spec);
    } catch (error) {
      void vscode.window.showErrorMessage(`Guest Broadcast: cannot watch "${spec}": ${(error as Error).message}`);
      return undefined;
    }
    return this.show(target, spec);
  }

  /** VS Code restored a viewer tab after a reload: reconnect it to what it watched. */
  async restore(panel: vscode.WebviewPanel, spec: string): Promise<void> {
    let target: WatchTarget;
    try {
      target = await this.resolve(spec);
    } catch (error) {
      panel.dispose();
      void vscode.window.showErrorMessage(`Guest Broadcast: cannot watch "${spec}" again: ${(error as Error).message}`);
      return;
    }
    if (this.panels.has(destinationKey(target))) {
      panel.dispose(); // already open in another tab
      return;
    }
    this.show(target, spec, panel);
  }

  stateOf(target: WatchTarget): WatchState | undefined {
    return this.panels.get(destinationKey(target))?.state;
  }

  /** Closes the viewer of `target`, which ends its SSH connection. */
  close(target: WatchTarget): void {
    this.panels.get(destinationKey(target))?.dispose();
  }

  get size(): number {
    return this.panels.size;
  }

  settingsChanged(): void {
    for (const panel of this.panels.values()) panel.settingsChanged();
  }

  themeChanged(): void {
    for (const panel of this.panels.values()) panel.themeChanged();
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
    this.changed.dispose();
  }

  private show(target: WatchTarget, spec: string, restored?: vscode.WebviewPanel): WatcherPanel {
    const key = destinationKey(target);
    const existing = this.panels.get(key);
    if (existing) {
      existing.restartIfStopped();
      existing.reveal();
      return existing;
    }
    const panel = new WatcherPanel(target, key, spec, this.deps, restored, this.labelFor(spec, target, key));
    this.panels.set(key, panel);
    panel.onDidChangeState(() => this.changed.fire());
    panel.onDidDispose(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
      this.changed.fire();
    });
    this.changed.fire();
    return panel;
  }
}
