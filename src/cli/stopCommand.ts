import { endBroadcastServer, ENDED_MESSAGE } from '../host/broadcast';
import { findBroadcast } from '../host/statusReader';
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
    const found = await findBroadcast(modeOpt(values), stringOpt(values, 'socket'));
    if (!found) {
      process.stdout.write('No broadcast is running' + (stringOpt(values, 'socket') ? ` on ${stringOpt(values, 'socket')}` : '') + '.\n');
      return 0;
    }
    await endBroadcastServer(found.tmux, ENDED_MESSAGE);
    process.stdout.write(`Stopped the broadcast of "${found.markers.session}" (${found.tmux.socketPath}).\n`);
    return 0;
  },
};
