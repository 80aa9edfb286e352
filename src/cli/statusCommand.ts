import { readBroadcastStatus } from '../host/statusReader';
import { formatStatus } from '../host/status';
import { modeOpt, parse, stringOpt } from './args';
import { CliCommand } from './command';

export const statusCommand: CliCommand = {
  async run(argv) {
    const { values } = parse(argv, {
      socket: { type: 'string' },
      mode: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write('Usage: guest-broadcast status [--json] [--socket PATH] [--mode embedded|system]\n');
      return 0;
    }
    const status = await readBroadcastStatus(modeOpt(values), stringOpt(values, 'socket'));
    process.stdout.write(values.json ? JSON.stringify(status) + '\n' : formatStatus(status) + '\n');
    return 0;
  },
};
