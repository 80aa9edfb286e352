// `guest-broadcast doctor`: checks system mode's guest access piece by piece and says how to fix
// what is missing. Exit code 1 when something fails, so scripts can use it.
import { formatDoctorReport, runDoctor } from '../host/guestAccount/doctor';
import { parse } from './args';
import { guestSetupHelp, GUEST_SETUP_OPTIONS, guestSetupOptionsFrom } from './guestSetupArgs';
import { CliCommand } from './command';

const HELP = `Usage: guest-broadcast doctor [options]

Checks that guests can watch in system mode: the account, its shell and empty password, PAM
nullok, the sshd options sshd really applies to the guest (sshd -T), that sshd runs and listens
where that config says (and how to start or reload it), the forced command, the socket's
folders and access list, and the tmux version. Run it as root to check everything (as another
user: sudo guest-broadcast doctor). Exits 1 when something fails.

${guestSetupHelp('the sshd_config to check (read only)')}  --json                print the result as JSON
  -h, --help            this help
`;

export const doctorCommand: CliCommand = {
  async run(argv) {
    const { values } = parse(argv, { ...GUEST_SETUP_OPTIONS, json: { type: 'boolean' } });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const report = await runDoctor(guestSetupOptionsFrom(values));
    process.stdout.write((values.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report)) + '\n');
    return report.ok ? 0 : 1;
  },
};
