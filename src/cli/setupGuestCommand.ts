// `guest-broadcast setup-guest --print|--apply`: shows or runs the root script that creates the
// system mode's guest account. --print is the default answer to "what will this do to my box?".
import { applyGuestSetup, isRootUser } from '../host/guestAccount/applySetup';
import { guestSetupScript } from '../host/guestAccount/setupScript';
import { parse, UsageError } from './args';
import { GUEST_SETUP_HELP, GUEST_SETUP_OPTIONS, guestSetupOptionsFrom } from './guestSetupArgs';
import { CliCommand } from './main';

const HELP = `Usage: guest-broadcast setup-guest --print|--apply [options]

Sets up the Unix account guests log in as in system mode (OpenSSH): the user with an empty
password, a "Match User" block in sshd_config with a forced read-only attach, and optionally a
chroot. Safe to run again. sshd_config is backed up and checked with "sshd -t" before sshd is
reloaded; a rejected config is restored.

  --print               show the script (run it yourself with: sudo sh)
  --apply               run it now (needs root: sudo guest-broadcast setup-guest --apply)
${GUEST_SETUP_HELP}  --no-reload           do not reload sshd after changing its config
  -h, --help            this help
`;

export const setupGuestCommand: CliCommand = {
  summary: 'print or apply the guest account setup (system mode)',
  async run(argv) {
    const { values } = parse(argv, { ...GUEST_SETUP_OPTIONS, print: { type: 'boolean' }, apply: { type: 'boolean' }, 'no-reload': { type: 'boolean' } });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (values.print === values.apply) throw new UsageError('Say what to do: --print shows the setup script, --apply runs it as root.');
    const options = guestSetupOptionsFrom(values, { reload: !values['no-reload'] });
    if (values.print) {
      process.stdout.write(guestSetupScript(options));
      return 0;
    }
    if (!isRootUser()) {
      throw new UsageError(`--apply changes users and sshd_config, so it needs root: rerun it with sudo:\n  sudo guest-broadcast setup-guest ${argv.join(' ')}\nor review the script first with --print.`);
    }
    const result = await applyGuestSetup(options, {
      onOutput: (text, stream) => void (stream === 'stdout' ? process.stdout : process.stderr).write(text),
    });
    if (result.exitCode !== 0) process.stderr.write(`guest-broadcast setup-guest: the setup stopped (exit ${result.exitCode}); nothing after the error was changed.\n`);
    return result.exitCode === 0 ? 0 : 1;
  },
};
