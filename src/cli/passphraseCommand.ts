// `guest-broadcast passphrase`: print (or regenerate) the embedded server's password-policy
// passphrase. A running broadcast picks up a regenerated one at the next login.
import { loadOrCreatePassphrase, passphrasePath, regeneratePassphrase } from '../host/embedded/passphrase';
import { cliConfigDir } from '../host/paths';
import { parse, stringOpt } from './args';
import { CliCommand } from './command';

const HELP = `Usage: guest-broadcast passphrase [--regenerate] [--state-dir DIR]

Prints the passphrase guests type with --access password (made on first use), alone on one
line so scripts can copy it.

Options:
  --regenerate     make a new passphrase; the old one stops working at once, even for a
                   running broadcast (guests already watching stay)
  --state-dir DIR  where it is kept (default: ~/.config/guest-broadcast)
`;

export const passphraseCommand: CliCommand = {
  async run(argv) {
    const { values } = parse(argv, {
      regenerate: { type: 'boolean' },
      'state-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const stateDir = stringOpt(values, 'state-dir') ?? cliConfigDir();
    const value = values.regenerate ? regeneratePassphrase(stateDir) : loadOrCreatePassphrase(stateDir);
    process.stdout.write(value + '\n');
    if (values.regenerate) process.stderr.write(`New passphrase saved in ${passphrasePath(stateDir)}.\n`);
    return 0;
  },
};
