// `guest-broadcast pause [--message TEXT]` and `guest-broadcast resume`: the privacy curtain from
// any terminal (src/host/curtain/curtainTmux.ts has the rule; this is its command line). Works on
// whichever process serves the broadcast, or none (system mode's guests are sshd's): the state and
// the mechanism are in the broadcast's tmux server.
import { checkCurtainMessage, CurtainError, curtainFromMarkers, CURTAIN_KEY, PAUSED_MARKER, pauseBroadcast, resumeBroadcast } from '../host/curtain/curtainTmux';
import { PAUSED_ENDING } from '../host/curtain/curtainProgram';
import { shellCommand } from '../tmux/attach';
import { findBroadcast } from '../host/statusReader';
import { modeOpt, parse, socketArgs, stringOpt, UsageError } from './args';
import { CliCommand } from './command';

const PAUSE_HELP = `Usage: guest-broadcast pause [--message TEXT] [--socket PATH] [--mode embedded|system]

Lowers the privacy curtain: from now until 'guest-broadcast resume', every guest (SSH, browser,
live stream, recording) sees a curtain with your message instead of the session, and nothing the
session draws meanwhile reaches them. A guest who joins meanwhile sees the curtain too.
On resume guests see the screen as it is then: clear what should stay private first.
In the broadcast's own terminal, tmux's prefix then ${CURTAIN_KEY} does the same (and resumes).

Options:
  --message TEXT           one line shown on the curtain (default: "The host paused the broadcast
                           for a moment."); pausing again changes it
  --socket PATH            the broadcast's tmux socket (default: the default socket of --mode,
                           then of the other mode)
  --mode embedded|system   which mode's default socket to look at first (default: embedded)
  -h, --help               this help
`;

const RESUME_HELP = `Usage: guest-broadcast resume [--socket PATH] [--mode embedded|system]

Lifts the privacy curtain: guests see the session again, as it is now.

Options:
  --socket PATH            the broadcast's tmux socket (default: the default socket of --mode,
                           then of the other mode)
  --mode embedded|system   which mode's default socket to look at first (default: embedded)
  -h, --help               this help
`;

const OPTIONS = {
  socket: { type: 'string' },
  mode: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A guest-broadcast command line for the hints, with the --socket the user gave (else it would act on another broadcast). */
function hint(values: Record<string, unknown>, command: string): string {
  const socket = stringOpt(values, 'socket');
  return shellCommand(['guest-broadcast', command, ...socketArgs(socket)]);
}

async function runningBroadcast(values: Record<string, unknown>): Promise<NonNullable<Awaited<ReturnType<typeof findBroadcast>>>> {
  const socket = stringOpt(values, 'socket');
  const found = await findBroadcast(modeOpt(values), socket);
  if (!found) throw new CurtainError(`No broadcast is running${socket ? ` on ${socket}` : ''}: nothing to pause or resume. Start one with: ${hint(values, 'host')}`);
  return found;
}

export const pauseCommand: CliCommand = {
  async run(argv) {
    const { values } = parse(argv, { ...OPTIONS, message: { type: 'string' } });
    if (values.help) {
      process.stdout.write(PAUSE_HELP);
      return 0;
    }
    const message = stringOpt(values, 'message') ?? '';
    try {
      checkCurtainMessage(message);
    } catch (error) {
      throw new UsageError(`--message: ${(error as Error).message}`);
    }
    const found = await runningBroadcast(values);
    const was = curtainFromMarkers(found.markers);
    await pauseBroadcast(found.tmux, found.markers.session ?? 'broadcast', message);
    process.stdout.write(
      was.paused
        ? 'Still paused; the curtain shows the new message.\n'
        : `Paused: guests see the curtain, not the session. Clear what should stay private, then: ${hint(values, 'resume')}\n`,
    );
    return 0;
  },
};

export const resumeCommand: CliCommand = {
  async run(argv) {
    const { values } = parse(argv, OPTIONS);
    if (values.help) {
      process.stdout.write(RESUME_HELP);
      return 0;
    }
    const found = await runningBroadcast(values);
    if (found.markers[PAUSED_MARKER] === PAUSED_ENDING) throw new CurtainError('The broadcast is stopping behind the curtain: nothing to resume (guests are told it ended).');
    if (!curtainFromMarkers(found.markers).paused) {
      process.stdout.write('Not paused: guests already see the session.\n');
      return 0;
    }
    const left = await resumeBroadcast(found.tmux);
    process.stdout.write(left === 0 ? 'Resumed: guests see the session again.\n' : `Resumed, but ${left} guest view(s) still show the curtain; they follow within seconds.\n`);
    return 0;
  },
};
