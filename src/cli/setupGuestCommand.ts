// `guest-broadcast setup-guest --print|--apply|--undo`: shows or runs the root script that creates
// (or, with --undo, removes) the system mode's guest account. --print is the default answer to
// "what will this do to my box?", for the set-up and for its undo alike.
import { applyGuestSetup, isRootUser, undoGuestSetup } from '../host/guestAccount/applySetup';
import { asRoot } from '../host/guestAccount/asRoot';
import { guestSetupScript } from '../host/guestAccount/setupScript';
import { guestUndoScript } from '../host/guestAccount/undoScript';
import { parse, UsageError } from './args';
import { guestSetupHelp, GUEST_SETUP_OPTIONS, guestSetupOptionsFrom } from './guestSetupArgs';
import { CliCommand } from './command';

const HELP = `Usage: guest-broadcast setup-guest --print|--apply [options]
       guest-broadcast setup-guest --undo [--print] [options]

Sets up the Unix account guests log in as in system mode (OpenSSH): the user with an empty
password, a "Match User" block in sshd_config with a forced read-only attach, and optionally a
chroot. Safe to run again. sshd_config is backed up and checked with "sshd -t" before sshd is
reloaded; a rejected config is restored. --apply and --undo need root: as root run them as
shown, otherwise put sudo in front.

  --print               show the script (to run it yourself as root: ... --print | sh)
  --apply               run it now (needs root)
  --undo                remove what --apply made, with the options --apply was given: the
                        Match block (sshd_config goes back byte for byte to the backup when
                        nothing else changed since, else only the block goes), the backup,
                        the forced command, the empty socket folder, the chroot's mount,
                        fstab line and folder, and the user if the setup created it (an
                        account that existed before is kept, its empty password locked).
                        Safe to run again. With --print: show that script instead.
${guestSetupHelp('the sshd_config to change')}  --no-reload           do not reload sshd after changing its config
  -h, --help            this help
`;

export const setupGuestCommand: CliCommand = {
  async run(argv) {
    const { values } = parse(argv, {
      ...GUEST_SETUP_OPTIONS,
      print: { type: 'boolean' },
      apply: { type: 'boolean' },
      undo: { type: 'boolean' },
      'no-reload': { type: 'boolean' },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const undo = Boolean(values.undo);
    if (undo && values.apply) throw new UsageError('--undo and --apply do opposite things: give one of them (--undo --print shows the undo script).');
    if (!undo && values.print === values.apply) throw new UsageError('Say what to do: --print shows the setup script, --apply runs it as root, --undo removes it.');
    const options = guestSetupOptionsFrom(values, { reload: !values['no-reload'] });
    if (values.print) {
      process.stdout.write(undo ? guestUndoScript(options) : guestSetupScript(options));
      return 0;
    }
    if (!isRootUser()) {
      const what = undo ? '--undo' : '--apply';
      throw new UsageError(
        `${what} changes users and sshd_config, so it needs root: rerun it as root:\n  ${asRoot(`guest-broadcast setup-guest ${argv.join(' ')}`)}\nor review the script first with ${undo ? '--undo --print' : '--print'}.`,
      );
    }
    const onOutput = (text: string, stream: 'stdout' | 'stderr'): void => void (stream === 'stdout' ? process.stdout : process.stderr).write(text);
    const result = undo ? await undoGuestSetup(options, { onOutput }) : await applyGuestSetup(options, { onOutput });
    if (result.exitCode !== 0) process.stderr.write(`guest-broadcast setup-guest: the ${undo ? 'undo' : 'setup'} stopped (exit ${result.exitCode}); nothing after the error was changed.\n`);
    return result.exitCode === 0 ? 0 : 1;
  },
};
