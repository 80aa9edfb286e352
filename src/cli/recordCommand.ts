// `guest-broadcast record FILE` / `record --stop`: start or stop recording a running broadcast
// from another terminal. The process that serves the broadcast records (its fan-out draws the
// host's screen), so this asks it (host/recording/recordingRequests.ts) and says its answer.
import { resolve } from 'node:path';
import { shellCommand } from '../tmux/attach';
import { ownerAlive } from '../host/owner';
import { defaultSocketPath } from '../host/paths';
import { findBroadcast, recordedSettings } from '../host/statusReader';
import { hostCommandFor } from '../host/status';
import { askOwner } from '../host/recording/recordingRequests';
import { modeOpt, parse, socketArgs, stringOpt, UsageError } from './args';
import { CliCommand } from './command';
import { checkRecordingTarget } from '../host/recording/recordingTarget';

const HELP = `Usage: guest-broadcast record [--force] [--socket PATH] FILE
       guest-broadcast record --stop [--socket PATH]

Starts recording the running broadcast into FILE, or stops the recording. It records the host's
screen at the host's window size, as asciicast v2 (asciinema play FILE, asciinema-player), with
the host's resizes; while the broadcast is paused (the curtain), the file gets a marker where it
went down and one where it went up, and nothing between. The process that serves the broadcast
(guest-broadcast host, or VS Code) writes the file; the broadcast goes on whatever happens to it.

Options:
  --force                  overwrite FILE if it exists (otherwise an existing file is refused)
  --stop                   stop the recording; the file is complete
  --socket PATH            the broadcast's tmux socket (default: look at the default socket of
                           --mode, then of the other mode)
  --mode embedded|system   which mode's default socket to look at first (default: embedded)
  -h, --help               this help
`;

export const recordCommand: CliCommand = {
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        stop: { type: 'boolean' },
        force: { type: 'boolean' },
        socket: { type: 'string' },
        mode: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      true,
    );
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const stop = Boolean(values.stop);
    if (stop && positionals.length) throw new UsageError(`--stop takes no file (got ${positionals.join(' ')}): it stops whatever is recording.`);
    if (stop && values.force) throw new UsageError('--force goes with a FILE to record to, not with --stop.');
    if (!stop && positionals.length !== 1) throw new UsageError(`Name one file to record to, like session.cast, or --stop (got ${positionals.length ? positionals.join(' ') : 'none'}).`, true);
    const mode = modeOpt(values);
    const socket = stringOpt(values, 'socket');
    const path = stop ? undefined : resolve(positionals[0]);

    const found = await findBroadcast(mode, socket);
    if (!found) {
      const where = socket ?? defaultSocketPath(mode);
      throw new Error(`No broadcast is running (looked at ${where}${socket ? '' : ' and the other mode\'s socket'}). Start one that records with: ${shellCommand(['guest-broadcast', 'host', ...socketArgs(socket), '--record', path ?? 'FILE.cast'])}`);
    }
    const unserved = (): string => {
      const { markers } = found;
      const status = { mode: markers.mode === 'system' ? 'system' : 'embedded', socket: found.tmux.socketPath, session: markers.session ?? '' } as const;
      const serveAgain = hostCommandFor(status, recordedSettings(markers));
      const record = shellCommand(['--record', path ?? 'FILE.cast']);
      return status.mode === 'system'
        ? `No guest-broadcast process serves this broadcast: its guests are served by sshd, and only the process that hosts a broadcast can record it. Serve it with: ${serveAgain} ${record}`
        : `No process serves this broadcast (the one that hosted it ended), so nothing can record it. Serve it again with: ${serveAgain} ${record}`;
    };
    if (stop) {
      const finished = await askOwner(found.tmux, found.markers, { op: 'stop' }, unserved);
      process.stdout.write(finished ? `Recording stopped: ${finished} is complete.\n` : 'Nothing was recording.\n');
      return 0;
    }
    // Checked here too, as host --record does, when someone serves it: a folder, a missing folder or
    // an existing file is said in words that fit (the owner's own open with 'wx' stays the guarantee).
    if (ownerAlive(found.markers)) checkRecordingTarget(path as string, Boolean(values.force));
    const started = await askOwner(found.tmux, found.markers, { op: 'start', path: path as string, force: Boolean(values.force) }, unserved);
    const stopLine = shellCommand(['guest-broadcast', 'record', '--stop', ...socketArgs(socket)]);
    process.stdout.write(`Recording to ${started ?? path}. Stop with: ${stopLine}\n`);
    return 0;
  },
};
