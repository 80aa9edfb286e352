// The host's own terminal: a VS Code terminal running the read-write `tmux attach` of the
// broadcast, so the host works in the very session guests watch.
import * as vscode from 'vscode';
import { Broadcast } from '../host/broadcast';
import { listClients } from '../tmux/clients';

export const HOST_TERMINAL_NAME = 'Guest Broadcast (host)';

/** Where the host terminal opens (guestBroadcast.hostTerminalLocation): the editor area unless set to the panel. */
export function hostTerminalLocation(): vscode.TerminalLocation {
  return vscode.workspace.getConfiguration('guestBroadcast').get<string>('hostTerminalLocation') === 'panel'
    ? vscode.TerminalLocation.Panel
    : vscode.TerminalLocation.Editor;
}

export class HostTerminal implements vscode.Disposable {
  private terminal: vscode.Terminal | undefined;

  /** Closed by us: VS Code lists a disposed terminal until the workbench confirms the close. */
  private readonly disposed = new WeakSet<vscode.Terminal>();
  private readonly closed: vscode.Disposable;

  constructor() {
    this.closed = vscode.window.onDidCloseTerminal((t) => {
      if (t === this.terminal) this.terminal = undefined;
    });
  }

  get current(): vscode.Terminal | undefined {
    return this.terminal;
  }

  /** Shows the host terminal of `broadcast`, opening it when none is open (after a reload too). */
  show(broadcast: Broadcast): vscode.Terminal {
    // A host terminal whose tmux client has exited can stay open as a dead tab: open a new one.
    if (this.terminal && this.terminal.exitStatus !== undefined) this.close();
    this.terminal ??= vscode.window.terminals.find(
      (t) => t.name === HOST_TERMINAL_NAME && t.exitStatus === undefined && !this.disposed.has(t) && attachesTo(t, broadcast),
    );
    if (!this.terminal) {
      const [shellPath, ...shellArgs] = broadcast.hostAttachArgv;
      this.terminal = vscode.window.createTerminal({
        name: HOST_TERMINAL_NAME,
        shellPath,
        shellArgs,
        iconPath: new vscode.ThemeIcon('broadcast'),
        // The editor area by default: the host's window size is every fit-mode guest's size, and
        // the bottom panel is often a dozen rows high.
        location: hostTerminalLocation(),
        // VS Code started from inside tmux passes $TMUX on, and tmux then refuses to attach
        // ("sessions should be nested with care").
        env: { TMUX: null, TMUX_PANE: null },
      });
    }
    this.terminal.show();
    return this.terminal;
  }

  /**
   * Whether the host terminal's tmux client is attached read-write right now. The terminal runs
   * `tmux attach` itself, so its process id is the client's. A host who detached (or whose client
   * was killed) leaves a terminal that is closing, or already dead, before VS Code says so.
   */
  async attached(broadcast: Broadcast): Promise<boolean> {
    const terminal = this.terminal;
    if (!terminal || terminal.exitStatus !== undefined) return false;
    const pid = await Promise.race([terminal.processId, new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000))]);
    if (pid === undefined) return false;
    return (await listClients(broadcast.tmux)).some((c) => !c.readOnly && c.pid === pid);
  }

  /** Closes the host terminal (the broadcast has ended; its tmux client has nothing left to show). */
  close(): void {
    if (this.terminal) this.disposed.add(this.terminal);
    this.terminal?.dispose();
    this.terminal = undefined;
  }

  dispose(): void {
    this.closed.dispose();
  }
}

function attachesTo(terminal: vscode.Terminal, broadcast: Broadcast): boolean {
  const options = terminal.creationOptions as vscode.TerminalOptions;
  const args = Array.isArray(options.shellArgs) ? options.shellArgs : [];
  return args.includes(broadcast.socketPath);
}
