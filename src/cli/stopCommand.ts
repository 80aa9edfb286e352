import { stopOtherBroadcast } from '../host/stopOtherBroadcast';
import { modeOpt, parse, stringOpt } from './args';
import { CliCommand } from './command';

export const stopCommand: CliCommand = {
  async run(argv) {
    const { values } = parse(argv, {
      socket: { type: 'string' },
      mode: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write('Usage: guest-broadcast stop [--socket PATH] [--mode embedded|system]\n');
      return 0;
    }
    const stopped = await stopOtherBroadcast(modeOpt(values), stringOpt(values, 'socket'));
    if (!stopped) {
      process.stdout.write('No broadcast is running' + (stringOpt(values, 'socket') ? ` on ${stringOpt(values, 'socket')}` : '') + '.\n');
      return 0;
    }
    process.stdout.write(`Stopped the broadcast of "${stopped.session}" (${stopped.socket}).\n`);
    return 0;
  },
};
