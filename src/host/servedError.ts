// The refusal a second `host` (or a second VS Code window) gets on a broadcast that a live
// process already serves: it says who serves it, where guests watch, how to attach and how to
// stop it, and that nothing was touched. Adopting it instead would hand the host's tmux server
// to a process whose Ctrl-C ends it.
import { hostAttachArgv, shellCommand } from '../tmux/attach';

export class BroadcastServedError extends Error {
  constructor(
    readonly socketPath: string,
    markers: Record<string, string>,
    readonly ownerPid: number,
    tmuxBin = 'tmux',
  ) {
    const session = markers.session ?? 'broadcast';
    const lines = [
      `The broadcast of "${session}" on ${socketPath} is already served by process ${ownerPid}; nothing was changed.`,
      markers.watch ? `  Guests watch with:  ${markers.watch}` : '',
      markers.listen ? `  Guests connect to:  ${markers.listen}` : '',
      `  Attach as the host: ${shellCommand(hostAttachArgv({ socketPath, sessionName: session, tmuxBin }))}`,
      `  To stop it: Ctrl-C in that process, or guest-broadcast stop --socket ${socketPath}`,
      `  To run a second, separate broadcast: give it its own --socket (and, embedded, its own --listen).`,
    ];
    super(lines.filter(Boolean).join('\n'));
    this.name = 'BroadcastServedError';
  }
}
