import { stopOtherBroadcast } from '../host/stopOtherBroadcast';
import { modeOpt, parse, stringOpt } from './args';
import { CliCommand } from './command';

const HELP = `Usage: guest-broadcast stop [--socket PATH] [--mode embedded|system]

Stops a running broadcast from any terminal: every guest is told the broadcast ended, then its
tmux server (the host's shell and programs in it) is ended and the process serving it exits.
Says so and exits 0 when no broadcast is running.

Options:
  --socket PATH            the broadcast's tmux socket (default: the default socket of --mode,
                           then of the other mode)
  --mode embedded|system   which mode's default socket to look at first (default: embedded)
  -h, --help               this help
`;

export const stopCommand: CliCommand = {
  async run(argv) {
    const { values } = parse(argv, {
      socket: { type: 'string' },
      mode: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const stopped = await stopOtherBroadcast(modeOpt(values), stringOpt(values, 'socket'), 'guest-broadcast stop');
    if (!stopped) {
      process.stdout.write('No broadcast is running' + (stringOpt(values, 'socket') ? ` on ${stringOpt(values, 'socket')}` : '') + '.\n');
      return 0;
    }
    process.stdout.write(`Stopped the broadcast of "${stopped.session}" (${stopped.socket}).\n`);
    return 0;
  },
};
