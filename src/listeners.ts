// The one shape of our listener APIs (WatchSession.onOutput, GuestServer.onChange, ...): adding a
// listener returns a Disposable that removes it. Plain Node, so src/host and src/watcher use it
// without VS Code; a vscode.Disposable is the same shape, so the UI can keep these with its own.

export interface Disposable {
  dispose(): void;
}

interface Entry<A extends unknown[]> {
  readonly listener: (...args: A) => void;
  active: boolean;
}

export class ListenerList<A extends unknown[]> {
  private entries: Entry<A>[] = [];

  /** Adds `listener` (the same function twice is two listeners, each removed by its own dispose). */
  add(listener: (...args: A) => void): Disposable {
    const entry: Entry<A> = { listener, active: true };
    this.entries.push(entry);
    return {
      dispose: () => {
        if (!entry.active) return;
        entry.active = false;
        this.entries = this.entries.filter((e) => e !== entry);
      },
    };
  }

  /**
   * Calls each listener in the order added. One removed by an earlier listener during this call
   * is not called; one added during it is called from the next call on.
   */
  fire(...args: A): void {
    for (const entry of [...this.entries]) if (entry.active) entry.listener(...args);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Removes every listener (the owner is done). */
  clear(): void {
    for (const entry of this.entries) entry.active = false;
    this.entries = [];
  }
}
