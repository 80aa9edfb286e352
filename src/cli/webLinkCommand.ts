// `guest-broadcast web-link`: print the browser guests' link of the running broadcast, or
// (--regenerate) make a new link secret: every link given out before stops working at once, and
// a running broadcast drops the browser guests holding the old one.
import { linkSecretPath, loadOrCreateLinkSecret, regenerateLinkSecret } from '../host/web/linkSecret';
import { cliConfigDir } from '../host/paths';
import { readBroadcastStatus } from '../host/statusReader';
import { parse, stringOpt } from './args';
import { CliCommand } from './command';

const HELP = `Usage: guest-broadcast web-link [--regenerate] [--state-dir DIR] [--socket PATH]

Prints the link browser guests open (guest-broadcast host --web), alone on one line.

Options:
  --regenerate     make a new link secret; the old link stops working at once and browser
                   guests watching with it are dropped (give them the new link)
  --state-dir DIR  where the secret is kept (default: ~/.config/guest-broadcast)
  --socket PATH    the broadcast's tmux socket, when not the default
`;

export const webLinkCommand: CliCommand = {
  async run(argv) {
    const { values } = parse(argv, {
      regenerate: { type: 'boolean' },
      'state-dir': { type: 'string' },
      socket: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const stateDir = stringOpt(values, 'state-dir') ?? cliConfigDir();
    const secret = values.regenerate ? regenerateLinkSecret(stateDir) : loadOrCreateLinkSecret(stateDir);
    if (values.regenerate) process.stderr.write(`New link secret saved in ${linkSecretPath(stateDir)}.\n`);
    const status = await readBroadcastStatus('embedded', stringOpt(values, 'socket'));
    if (status.web) {
      // The running broadcast's link, with the secret just read (it re-reads the file too).
      const url = status.web.url.replace(/\/w\/[A-Za-z0-9_-]+\//, `/w/${secret}/`);
      process.stdout.write(url + '\n');
      return 0;
    }
    process.stdout.write(`/w/${secret}/\n`);
    process.stderr.write('No broadcast serves browser guests right now: this is the path of the link; start one with guest-broadcast host --web PORT.\n');
    return 0;
  },
};
