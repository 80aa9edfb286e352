// `guest-broadcast watch [user@]host[:port]`: watch a broadcast read-only in this terminal, or
// with --snapshot print what a guest sees right now. Same connection, login and host-key rules
// as the VS Code panel (src/watcher). Keys typed here are never sent to the host.
import { join } from 'node:path';
import { cliConfigDir } from '../host/paths';
import { openWatchSession, resolveTarget } from '../watcher';
import { WatchOptions, WatchSession, WatchState } from '../watcher/types';
import { intOpt, parse, stringOpt, UsageError } from './args';
import { givenPassphrase, PASSPHRASE_ENV } from './givenPassphrase';
import { CliCommand } from './command';
import { terminalPrompts } from './terminalPrompts';
import { TerminalTail } from './terminalTail';
import { TtyInput } from './ttyInput';
import { takeSnapshot, trimTrailingBlank } from './watchSnapshot';
import { MAX_COLS, MAX_ROWS, MIN_COLS, MIN_ROWS } from '../wire/terminalSizeLimits';
// Undo what a tmux client leaves behind when its connection dies mid-screen: the modes, and the
// alternate screen, but only while it is on (see TerminalTail: leaving it when it is off would
// move the cursor back over earlier lines).
import { LEAVE_ALT_SCREEN, RESET_MODES } from '../wire/terminalReset';
import { CastRecorder } from '../host/recording/castRecorder';
import { checkRecordingTarget } from '../host/recording/recordingTarget';

const HELP = `Usage: guest-broadcast watch [options] [user@]host[:port]
       guest-broadcast watch [options] ID@relay[:port][,relay2[:port]…]

Watches a broadcast read-only in this terminal: your keys are never sent to the host.
Press q or Ctrl-C to stop. The user defaults to "guest" and the port to 22; ~/.ssh/config
aliases work. Reconnects by itself when the connection drops.

Through relays (guest-broadcast relay), the user is the broadcast's id. A comma-separated list
names relays to fail over to: when the relay in use stops or dies, the next one in the list is
tried (round robin, after the usual pause), and the view continues from the host's current
screen. A relay presenting the same host key as one already trusted in the list is trusted too.

Options:
  -p, --port N             port, when not given in the target
  -i, --identity FILE      a private key to try (may be repeated)
  --known-hosts FILE       trust host keys from FILE instead of ~/.ssh/known_hosts (may be repeated)
  --accept-new             trust an unknown host key without asking (a changed key is always refused)
  --snapshot               print what a guest sees right now as text lines, then exit
  --cols N, --rows N       the guest terminal's size (--snapshot; default 80x24)
  --timeout S              --snapshot: give up after S seconds (default 10)
  --record FILE            record what this terminal shows, at its size (resizes included),
                           into FILE (asciicast v2: asciinema play FILE); an existing FILE
                           only with --force
  --force                  with --record: overwrite FILE if it exists
  --passphrase-file FILE   log in with the passphrase on FILE's first line instead of asking
                           (a broadcast with --access password; for scripts and CI)
  -h, --help               this help

Environment:
  ${PASSPHRASE_ENV}   the passphrase, when there is no --passphrase-file.
  Neither is used for key passphrases. The passphrase is never taken on the command line,
  where other users of this machine could read it.

Host keys the watcher trusted are kept in ${join('~/.config/guest-broadcast', 'known_hosts')}.
`;

export const watchCommand: CliCommand = {
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        port: { type: 'string', short: 'p' },
        identity: { type: 'string', short: 'i', multiple: true },
        'known-hosts': { type: 'string', multiple: true },
        'accept-new': { type: 'boolean' },
        snapshot: { type: 'boolean' },
        cols: { type: 'string' },
        rows: { type: 'string' },
        timeout: { type: 'string' },
        'passphrase-file': { type: 'string' },
        record: { type: 'string' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      true,
    );
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length !== 1) {
      const spaced = positionals.length > 1 && positionals.slice(0, -1).every((p) => p.endsWith(','));
      throw new UsageError(
        spaced
          ? `The list of relays is one argument, without spaces after the commas: ${positionals.join('')}`
          : `Name one host to watch, like guest@example.org:2222, or relays like ID@relay1:2223,relay2:2223 (got ${positionals.length ? positionals.join(' ') : 'none'}).`,
      );
    }
    const snapshot = Boolean(values.snapshot);
    if (!snapshot) for (const name of ['cols', 'rows', 'timeout']) if (stringOpt(values, name) !== undefined) throw new UsageError(`--${name} only applies to --snapshot.`);
    const recordFile = stringOpt(values, 'record');
    if (snapshot && recordFile !== undefined) throw new UsageError('--record records a live watch; --snapshot prints one screen (leave one out).');
    if (values.force && recordFile === undefined) throw new UsageError('--force goes with --record FILE (it lets the recording overwrite FILE).');
    // Said before connecting: nothing to undo.
    const recordPath = recordFile === undefined ? undefined : checkRecordingTarget(recordFile, Boolean(values.force));

    const target = await resolveTarget(positionals[0], {
      port: intOpt(values, 'port', 1, 65535),
      identityFiles: (values.identity as string[] | undefined) ?? [],
    }).catch((error: Error) => {
      throw new UsageError(`watch's target: ${error.message}`);
    });
    // The file is made (header at this terminal's size) before the terminal is taken over: a
    // refusal leaves nothing to undo.
    const out = process.stdout;
    const recorder = recordPath
      ? await CastRecorder.create(recordPath, { cols: out.columns || 80, rows: out.rows || 24, term: process.env.TERM || 'xterm-256color', shell: process.env.SHELL, title: `guest-broadcast watch ${target.label}` }, { force: Boolean(values.force) })
      : undefined;
    const input = new TtyInput();
    const say = (line: string): void => void process.stderr.write(line.replace(/\r?\n/g, '\r\n') + '\r\n');
    const prompts = terminalPrompts(input, Boolean(values['accept-new']), say);
    const knownHostsFiles = values['known-hosts'] as string[] | undefined;
    const password = givenPassphrase(stringOpt(values, 'passphrase-file'));
    const base = { hostKeyStorePath: join(cliConfigDir(), 'known_hosts'), ...(knownHostsFiles ? { knownHostsFiles } : {}), ...(password ? { password } : {}) };

    if (snapshot) {
      const cols = intOpt(values, 'cols', MIN_COLS, MAX_COLS) ?? 80;
      const rows = intOpt(values, 'rows', MIN_ROWS, MAX_ROWS) ?? 24;
      const timeoutS = intOpt(values, 'timeout', 1, 3600) ?? 10;
      const session = openWatchSession(target, prompts, { ...base, cols, rows, reconnect: false });
      try {
        const result = await takeSnapshot(session, cols, rows, timeoutS * 1000);
        process.stdout.write(trimTrailingBlank(result.lines).join('\n') + '\n');
        return 0;
      } finally {
        input.stop();
      }
    }
    const code = await watchLive(target.label, input, say, (options) => openWatchSession(target, prompts, { ...base, ...options }), recorder);
    if (recorder) {
      const failure = await recorder.end();
      say(failure ? failure.message : `Recorded to ${recorder.path}.`);
    }
    return code;
  },
};

/**
 * Watches until the end. `recorder` (--record) gets exactly the bytes this terminal renders, and
 * a resize event whenever this terminal's size changes.
 */
function watchLive(
  label: string,
  input: TtyInput,
  say: (line: string) => void,
  open: (o: Pick<WatchOptions, 'cols' | 'rows'>) => WatchSession,
  recorder?: CastRecorder,
): Promise<number> {
  const out = process.stdout;
  const size = (): { cols: number; rows: number } => ({ cols: out.columns || 80, rows: out.rows || 24 });
  say(`Watching ${label} read-only (q or Ctrl-C to stop)…`);
  const session = open(size());

  return new Promise<number>((resolve) => {
    let finished = false;
    let lastNotice = '';
    const tail = new TerminalTail();
    let recorded = size();
    const onResize = (): void => {
      const { cols, rows } = size();
      if (recorder && (cols !== recorded.cols || rows !== recorded.rows)) recorder.resize(cols, rows);
      recorded = { cols, rows };
      session.resize(cols, rows);
    };
    // A full disk stops the recording, not the watching.
    recorder?.on('error', (error) => say(`\r\n${error.message}`));
    const finish = (code: number, message?: string, ended = false): void => {
      if (finished) return;
      finished = true;
      session.close();
      input.stop();
      out.off('resize', onResize);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (out.isTTY) out.write((tail.altScreen ? LEAVE_ALT_SCREEN : '') + RESET_MODES);
      // The closing line goes on a line of its own, so the shell prompt after it does too; and
      // the end of the broadcast is said once: not again when the host's stream just said it.
      const alreadySaid = ended && tail.hostSaidEnded;
      if (!tail.atLineStart && !tail.altScreen) say('');
      if (message && !alreadySaid) say(message);
      resolve(code);
    };
    const onSignal = (): void => finish(0);

    session.onOutput((data) => {
      tail.feed(data);
      out.write(data);
      recorder?.write(data);
    });
    session.onState((state: WatchState) => {
      switch (state.kind) {
        case 'ended':
          return finish(0, `The broadcast of ${label} has ended.`, true);
        case 'error':
          return finish(1, `guest-broadcast watch: ${state.message}`);
        case 'reconnecting': {
          // Once per outage (not every second): the host's screen stays visible meanwhile.
          // A list of relays: say which one is tried next.
          // (A reason quoting a server's sentence keeps one period.)
          const reason = state.reason.replace(/\.$/, '');
          const notice = state.to ? `Connection lost (${reason}). Trying ${state.to}…` : `Connection to ${label} lost: ${reason}. Reconnecting…`;
          if (notice !== lastNotice) say(`\r\n${notice}`);
          lastNotice = notice;
          return;
        }
        case 'live':
          lastNotice = '';
          return;
        default:
          return;
      }
    });
    input.startWatching(() => finish(0));
    out.on('resize', onResize);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
