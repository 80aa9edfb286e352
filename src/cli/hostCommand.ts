// `guest-broadcast host`: start a broadcast and serve it in the foreground until Ctrl-C/SIGTERM.
// Works without a terminal (a service, a script): it never reads stdin.
import { Broadcast, BroadcastOptions } from '../host/broadcast';
import { viewerCountLabel } from '../host/viewers';
import { intOpt, modeOpt, parse, stringOpt, UsageError } from './args';
import { CliCommand } from './main';

const HELP = `Usage: guest-broadcast host [options]

Starts a dedicated tmux server with one session and broadcasts it read-only.

Options:
  --mode embedded|system   embedded (default): serve guests from a built-in SSH server;
                           system: guests log in through OpenSSH as --guest-user
  --socket PATH            the broadcast's tmux socket (default depends on the mode)
  --session NAME           the session's name (default: broadcast)
  --guest-user NAME        system mode: the guests' Unix account (default: guest)
  --ssh-port N             system mode: sshd's port, for the watch command (default: 22)
  --command CMD            what the session runs (default: your shell)
  --tmux-config FILE       tmux config to load instead of ~/.tmux.conf
  -h, --help               this help
`;

export const hostCommand: CliCommand = {
  summary: 'start a broadcast and serve it until Ctrl-C',
  async run(argv) {
    const { values } = parse(argv, {
      mode: { type: 'string' },
      socket: { type: 'string' },
      session: { type: 'string' },
      'guest-user': { type: 'string' },
      'ssh-port': { type: 'string' },
      command: { type: 'string' },
      'tmux-config': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const mode = modeOpt(values);
    const options: BroadcastOptions = {
      mode,
      socketPath: stringOpt(values, 'socket'),
      sessionName: stringOpt(values, 'session') ?? 'broadcast',
      guestUser: stringOpt(values, 'guest-user') ?? 'guest',
      sshPort: intOpt(values, 'ssh-port', 1, 65535),
      command: stringOpt(values, 'command'),
      configFile: stringOpt(values, 'tmux-config'),
      cwd: process.cwd(),
    };
    if (mode === 'embedded') {
      throw new UsageError('embedded mode is not wired into the CLI yet; use --mode system');
    }
    return serve(options);
  },
};

async function serve(options: BroadcastOptions): Promise<number> {
  const broadcast = await Broadcast.start(options);
  const out = (line: string): void => void process.stdout.write(line + '\n');
  out(broadcast.startedNow ? `Broadcasting session "${broadcast.sessionName}" (${broadcast.mode} mode).` : `A broadcast of "${broadcast.sessionName}" was already running; serving it.`);
  out(`  Attach as the host (read-write):  ${broadcast.hostAttachCommand}`);
  out(`  Guests watch with:                ${broadcast.watchCommand}`);
  if (broadcast.listenAddress) out(`  Listening on ${broadcast.listenAddress}`);
  for (const warning of broadcast.lastFixup?.warnings ?? []) out(`  Warning: ${warning}`);
  out('Press Ctrl-C to stop the broadcast.');

  broadcast.on('viewers', (viewers) => out(`[${new Date().toLocaleTimeString()}] ${viewerCountLabel(viewers.length)}`));
  broadcast.on('fixup', (report) => out(`tmux server restarted: permission fixup re-applied (${report.applied.join('; ')})`));
  broadcast.on('error', (error) => process.stderr.write(`guest-broadcast: ${error.message}\n`));

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      out(`\n${signal}: stopping the broadcast…`);
      broadcast.stop().then(
        () => resolve(0),
        (error: unknown) => {
          process.stderr.write(`guest-broadcast: stopping failed: ${String(error)}\n`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    broadcast.once('ended', (reason) => {
      if (!stopping) out(`The broadcast ended: ${reason}.`);
      resolve(0);
    });
  });
}
