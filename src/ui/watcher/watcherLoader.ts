// Stands in for the watcher's registry until something needs it (see watcherRuntime.ts). Until
// then no viewer is open, so the hosts view shows nobody watched, the badge is empty, and a
// settings or theme change has no panel to reach: the answers below are the real ones.
import * as vscode from 'vscode';
import type { WatchState, WatchTarget } from '../../watcher/types';
import type { WatcherRegistry } from './watcherRegistry';

type Runtime = typeof import('./watcherRuntime');

export class WatcherLoader implements vscode.Disposable {
  private runtime: Promise<{ module: Runtime; registry: WatcherRegistry }> | undefined;
  private registry: WatcherRegistry | undefined;
  private disposed = false;
  private readonly changed = new vscode.EventEmitter<void>();
  /** A panel opened, closed or changed state (the registry's own event, once it is loaded). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly context: vscode.ExtensionContext) {}

  /** The watcher's code and its registry, loaded on the first call. */
  load(): Promise<{ module: Runtime; registry: WatcherRegistry }> {
    this.runtime ??= import('./watcherRuntime').then(
      (module) => {
        if (this.disposed) throw new Error('The extension is shutting down.');
        const registry = module.createWatcherRegistry(this.context);
        registry.onDidChange(() => this.changed.fire());
        this.registry = registry;
        return { module, registry };
      },
      (error: unknown) => {
        this.runtime = undefined; // a failed load is tried again next time
        throw error;
      },
    );
    return this.runtime;
  }

  stateOf(target: WatchTarget): WatchState | undefined {
    return this.registry?.stateOf(target);
  }

  get size(): number {
    return this.registry?.size ?? 0;
  }

  settingsChanged(): void {
    this.registry?.settingsChanged();
  }

  themeChanged(): void {
    this.registry?.themeChanged();
  }

  dispose(): void {
    this.disposed = true;
    this.registry?.dispose();
    this.changed.dispose();
  }
}
