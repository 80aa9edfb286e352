import { readBroadcastReport } from '../host/statusReader';
import { formatStatus } from '../host/status';
import { modeOpt, parse, stringOpt } from './args';
import { CliCommand } from './command';

const HELP = `Usage: guest-broadcast status [--json] [--socket PATH] [--mode embedded|system]

Says whether a broadcast is running: its session, where guests connect, the command guests
watch with and who is watching (user, terminal size, for how long). A broadcast whose hosting
process is gone is shown with how to serve it again or end it. Changes nothing; exits 0 whether
or not a broadcast runs.

Options:
  --socket PATH            the broadcast's tmux socket (default: look at the default socket of
                           --mode, then of the other mode)
  --mode embedded|system   which mode's default socket to look at first (default: embedded)
  --json                   print one JSON object for scripts:
                           {"broadcasting", "mode", "socket", "session", "listen", "watch",
                            "viewers": [{"name", "user", "cols", "rows", "since"}], "web",
                            "paused", "pauseMessage", "recording", "relay"}
                           (listen is null when no embedded server serves it; since is ISO 8601;
                           pauseMessage is the line guests read on the curtain, null unless paused;
                           recording is the file being recorded, or null; relay is
                           {"url", "id", "watch", "web"} with --relay, else null; web is
                           the browser link through a relay with --web, null until one
                           announced itself)
  -h, --help               this help
`;

export const statusCommand: CliCommand = {
  async run(argv) {
    const { values } = parse(argv, {
      socket: { type: 'string' },
      mode: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const { status, recorded } = await readBroadcastReport(modeOpt(values), stringOpt(values, 'socket'));
    process.stdout.write(values.json ? JSON.stringify(status) + '\n' : formatStatus(status, new Date(), recorded) + '\n');
    return 0;
  },
};
