// `guest-broadcast host`: start a broadcast and serve it in the foreground until Ctrl-C/SIGTERM.
// Works without a terminal (a service, a script): it never reads stdin.
import { Broadcast, BroadcastOptions } from '../host/broadcast';
import { CURTAIN_KEY } from '../host/curtain/curtainTmux';
import { EmbeddedSshRoute } from '../host/routes/embeddedSshRoute';
import { WebRoute } from '../host/web/webRoute';
import { RelayRoute } from '../host/relay/relayRoute';
import { EMBEDDED_DEFAULTS, EmbeddedServerOptions } from '../host/embedded/options';
import { cliConfigDir } from '../host/paths';
import { CLI_OPTION_NAMES, HOST_OPTION_KEYS } from '../host/options/names';
import { HostOptionError, HostOptions, parseHostOptions } from '../host/options/parse';
import { broadcastOptions } from '../host/options/broadcast';
import { shellCommand } from '../tmux/attach';
import { Guest, guestChanges, viewerCountLabel } from '../host/guests';
import { checkRecordingTarget } from '../host/recording/recordingTarget';
import { Options, parse, stringOpt, UsageError } from './args';
import { CliCommand } from './command';

const HELP = `Usage: guest-broadcast host [options]

Starts a dedicated tmux server with one session running your shell and broadcasts it
read-only. Guests watch with plain ssh; you attach read-write with the printed tmux command.

Options:
  --mode embedded|system   embedded (default): serve guests from a built-in SSH server (no root,
                           no sshd, no guest account); system: guests log in through OpenSSH
                           as --guest-user
  --socket PATH            the broadcast's tmux socket (default depends on the mode)
  --session NAME           the session's name (default: broadcast)
  --command CMD            what the session runs (default: your shell)
  --tmux-config FILE       tmux config to load instead of ~/.tmux.conf
  --record FILE            record the host's screen, at the host's size, into FILE from the
                           start (asciicast v2: asciinema play FILE); an existing FILE only
                           with --force. Start or stop one later with: guest-broadcast record
  --force                  with --record: overwrite FILE if it exists

Embedded mode:
  --listen ADDR:PORT       where guests connect (default: ${EMBEDDED_DEFAULTS.listen}, this machine only);
                           0.0.0.0:PORT lets everyone who can reach this machine try
  --access POLICY          open (default): any user name, no password;
                           password: the passphrase kept in the state folder
                             (see: guest-broadcast passphrase);
                           keys: public keys listed in --authorized-keys
  --authorized-keys FILE   keys policy: an OpenSSH authorized_keys file
                           (default: authorized_keys in the state folder)
  --state-dir DIR          host key and passphrase (default: ~/.config/guest-broadcast)
  --max-viewers N          guests at once (default: ${EMBEDDED_DEFAULTS.maxViewers})
  --max-per-address N      connections from one address at once (default: ${EMBEDDED_DEFAULTS.maxConnectionsPerAddress})
  --login-timeout SECONDS  time from connecting to watching, password typing included; a
                           guest who takes longer is told so (default: ${EMBEDDED_DEFAULTS.handshakeTimeoutMs / 1000}, or
                           ${EMBEDDED_DEFAULTS.passwordHandshakeTimeoutMs / 1000} with --access password: time to type the passphrase)
  --max-size-groups N      terminal sizes served at once, one tmux client each; beyond it a
                           guest sees the nearest larger size (default: ${EMBEDDED_DEFAULTS.maxSizeGroups})

System mode:
  --guest-user NAME        the guests' Unix account (default: guest)
  --ssh-port N             sshd's port, for the watch command (default: 22)

Browser guests (either mode; off by default):
  --web [ADDR:]PORT        also serve a read-only web page at a secret link
                           (http://HOST:PORT/w/SECRET/); a bare PORT is this machine only.
                           The secret is kept in the state folder (see: guest-broadcast
                           web-link). --access password: the page asks for the passphrase;
                           --access keys cannot be used (browsers have no SSH keys).
                           In system mode --state-dir, --access open|password and the
                           bounds above apply to browser guests.
  --web-cert FILE          TLS certificate (PEM) for https; with --web-key
  --web-key FILE           its private key (PEM); without TLS, a --web address beyond
                           loopback sends the link in clear (a warning says so)

Relays on NATS (either mode; off by default; see the README, "Beyond one machine"):
  --relay URL[,URL…]       also serve guests through relays (guest-broadcast relay) on these
                           NATS servers (nats://HOST:PORT, JetStream on): this host only
                           connects out, so it can be behind NAT. Relays enforce --access:
                           open (the id admits), password (the passphrase), keys (the
                           authorized keys)
  --relay-id NAME          the broadcast's id on relays, which guests type as the ssh user name
                           (default: 128 random bits kept in the state folder: it admits guests,
                           so a named id lets anyone who guesses it watch)
  NATS credentials and TLS (secrets never on the command line; the relay's --nats-* options
  are the same):
  --relay-user NAME        log in to NATS as this user; the password from
                           $GUEST_BROADCAST_NATS_PASSWORD, or from:
  --relay-password-file FILE
                           the first line of FILE
  --relay-token-file FILE  log in with the token on the file's first line
                           (or $GUEST_BROADCAST_NATS_TOKEN)
  --relay-creds FILE       log in with a NATS creds file (user JWT and nkey seed, from nsc)
  --relay-tls-ca FILE      trust the NATS server's certificate signed by this CA (PEM);
                           TLS is then required (as with any tls://HOST:PORT address)
  --relay-tls-cert FILE    a client certificate (PEM) for a server that verifies clients,
  --relay-tls-key FILE     with its private key

  -h, --help               this help
`;

/** Every host option is a string flag named in CLI_OPTION_NAMES (--max-viewers), read by the one model. */
const HOST_FLAGS: Options = Object.fromEntries(HOST_OPTION_KEYS.map((key) => [CLI_OPTION_NAMES[key].slice(2), { type: 'string' }]));

/** The flags as the model's raw values; a bad one is a usage error (exit 2) before anything starts. */
function hostOptionsFromFlags(values: Record<string, unknown>): HostOptions {
  try {
    return parseHostOptions(Object.fromEntries(HOST_OPTION_KEYS.map((key) => [key, stringOpt(values, CLI_OPTION_NAMES[key].slice(2))])), CLI_OPTION_NAMES);
  } catch (error) {
    if (error instanceof HostOptionError) throw new UsageError(error.message);
    throw error;
  }
}

const out = (line: string): void => void process.stdout.write(line + '\n');
const stamp = (): string => `[${new Date().toLocaleTimeString()}]`;

export const hostCommand: CliCommand = {
  async run(argv) {
    const { values } = parse(argv, { ...HOST_FLAGS, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const host = hostOptionsFromFlags(values);
    const force = Boolean(values.force);
    if (force && host.record === undefined) throw new UsageError('--force goes with --record FILE (it lets the recording overwrite FILE).');
    // A path that cannot be recorded to is said before anything starts (nothing to undo).
    const record = host.record === undefined ? undefined : { path: checkRecordingTarget(host.record, force), force };
    const options: BroadcastOptions = {
      ...broadcastOptions(host, {
        names: CLI_OPTION_NAMES,
        defaultStateDir: cliConfigDir(),
        onJoin: (guest) => out(`${stamp()} ${guest.user} started watching from ${guest.address}`),
        onLeave: (guest) => out(`${stamp()} ${guest.user} (${guest.address}) stopped watching`),
        onWarning: (message) => out(`  Warning: ${message}`),
      }),
      cwd: process.cwd(),
    };
    return serve(options, record);
  },
};

/** The recording asked for with --record: an absolute path, and whether it may overwrite. */
interface RecordRequest {
  path: string;
  force: boolean;
}

async function serve(options: BroadcastOptions, record: RecordRequest | undefined): Promise<number> {
  // Ctrl-C or SIGTERM while the broadcast starts (tmux, the host key, the listen: a second or so)
  // is a stop too. Node's default exit left the tmux server this process had just made running,
  // with nobody serving it and nothing said.
  let signalledDuringStart: string | undefined;
  const onEarlyInt = (): void => void (signalledDuringStart ??= 'SIGINT');
  const onEarlyTerm = (): void => void (signalledDuringStart ??= 'SIGTERM');
  process.on('SIGINT', onEarlyInt);
  process.on('SIGTERM', onEarlyTerm);
  try {
    return await startAndServe(options, record, () => signalledDuringStart);
  } finally {
    process.off('SIGINT', onEarlyInt);
    process.off('SIGTERM', onEarlyTerm);
  }
}

async function startAndServe(options: BroadcastOptions, record: RecordRequest | undefined, signalled: () => string | undefined): Promise<number> {
  // The embedded SSH route's banner lines (fingerprint, access, exposure) and passphrase follow.
  const embedded = options.routes.find((r): r is EmbeddedSshRoute => r instanceof EmbeddedSshRoute);
  const web = options.routes.find((r): r is WebRoute => r instanceof WebRoute);
  const relay = options.routes.find((r): r is RelayRoute => r instanceof RelayRoute);
  const broadcast = await Broadcast.start(options);
  const early = signalled();
  if (early) {
    // This process owns the broadcast now (made or adopted), so its Ctrl-C ends it as it would later.
    out(`${early} while starting: stopping the broadcast…`);
    await broadcast.stop();
    out('The broadcast has ended.');
    return 0;
  }
  out(broadcast.startedNow ? `Broadcasting session "${broadcast.sessionName}" (${broadcast.mode} mode).` : `A broadcast of "${broadcast.sessionName}" was left running by a process that is gone; serving it now.`);
  out(`  Attach as the host (read-write):  ${broadcast.hostAttachCommand}`);
  out(`  Guests watch with:                ${broadcast.joinCommand}`);
  if (embedded) {
    out(`  Host key fingerprint:             ${embedded.server.fingerprint}`);
    out(`  Access:                           ${await accessLine(embedded.options)}`);
    out(`  ${embedded.server.exposure}`);
  } else if (broadcast.listenAddress) {
    out(`  Listening on ${broadcast.listenAddress}`);
  }
  if (web) {
    out(`  Browser guests open:              ${web.url}`);
    if (web.streamUrl) out(`  Live stream (asciinema-player):   ${web.streamUrl}`);
    if (!embedded && web.access === 'password') out(`  Browser access:                   ${await accessLine({ access: 'password', stateDir: web.stateDir })}`);
    out(`  ${web.exposure}`);
  }
  if (relay) {
    out(`  Through a relay (NATS ${relay.url}): ssh -p PORT ${relay.broadcastId}@RELAY`);
    const admits = relay.options.access?.policy === 'password' ? 'guests also need the passphrase' : relay.options.access?.policy === 'keys' ? 'guests also need a key listed in the authorized keys' : 'the id admits guests: share it only with them';
    out(`    (any relay started with: guest-broadcast relay --nats ${relay.url} --listen ADDR:PORT; ${admits})`);
    out(`  Browser guests through a relay:   http(s)://RELAY:PORT/w/${relay.broadcastId}/   (a relay started with --web ADDR:PORT)`);
  }
  out(`  Privacy curtain:                  ${curtainLine(broadcast)}`);
  for (const warning of broadcast.lastFixup?.warnings ?? []) out(`  Warning: ${warning}`);
  if (broadcast.curtain.paused) out('  Paused: guests see the curtain, not the session (guest-broadcast resume lifts it).');
  // Said as they happen, whoever asked (--record, guest-broadcast record, a full disk).
  let recording: string | undefined;
  let recordingFailed = false;
  broadcast.on('recording', (path) => {
    // A recording that failed has said so (recordingError comes first): it is not called complete.
    if (path) out(`${stamp()} Recording to ${path}`);
    else if (!recordingFailed) out(`${stamp()} Recording stopped: ${recording ?? 'the file'} is complete.`);
    recordingFailed = false;
    recording = path;
  });
  broadcast.on('recordingError', (error) => {
    recordingFailed = true;
    process.stderr.write(`${stamp()} guest-broadcast: ${error.message}\n`);
  });
  if (record) {
    // The broadcast goes on without it: a recording is never a reason not to serve.
    await broadcast.startRecording(record.path, { force: record.force }).catch((error: unknown) => {
      process.stderr.write(`guest-broadcast: ${error instanceof Error ? error.message : String(error)} The broadcast goes on without a recording.\n`);
    });
  }
  out('Press Ctrl-C to stop the broadcast.');

  let previous: Guest[] = [];
  broadcast.on('guests', (viewers) => {
    // Embedded guests are announced by the server itself (with their address); system-mode
    // guests are tmux's read-only clients, seen by the monitor; browser guests by the monitor too.
    const { joined, left } = guestChanges(previous, viewers);
    const announced = (v: Guest): boolean => !embedded || v.route === 'web';
    for (const v of joined.filter(announced)) out(`${stamp()} ${v.user} started watching (${v.name}${v.address ? ` from ${v.address}` : ''})`);
    for (const v of left.filter(announced)) out(`${stamp()} ${v.user} (${v.name}) stopped watching`);
    previous = viewers;
    out(`${stamp()} ${viewerCountLabel(viewers.length)}`);
  });
  broadcast.on('curtain', (curtain) =>
    out(`${stamp()} ${curtain.paused ? `paused: guests see the curtain${curtain.message ? ` ("${curtain.message}")` : ''}, not the session` : 'resumed: guests see the session again'}`),
  );
  broadcast.on('fixup', (report) => out(`${stamp()} tmux server restarted: permission fixup re-applied (${report.applied.join('; ')})`));
  broadcast.on('error', (error) => process.stderr.write(`guest-broadcast: ${error.message}\n`));
  const unwatch = embedded?.options.access === 'password' ? await followPassphrase(embedded.options.stateDir) : undefined;

  // The monitor's timer does not hold the process (VS Code and tests run broadcasts without
  // owning the event loop), and the system mode has no listening socket that would: without
  // this handle, `host --mode system` returned the moment it printed its banner. The foreground
  // server is held here until it stops.
  const hold = setInterval(() => undefined, 1 << 30);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const finish = (code: number): void => {
      clearInterval(hold);
      unwatch?.();
      resolve(code);
    };
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      out(`\n${signal}: stopping the broadcast…`);
      broadcast.stop().then(
        () => {
          out('The broadcast has ended; every guest was told.');
          finish(0);
        },
        (error: unknown) => {
          process.stderr.write(`guest-broadcast: stopping failed: ${String(error)}\n`);
          finish(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    broadcast.once('ended', (reason) => {
      if (stopping) return;
      out(`The broadcast ended: ${reason}.`);
      finish(0);
    });
  });
}

/** Shows a regenerated passphrase as soon as the state folder holds it. */
async function followPassphrase(stateDir: string): Promise<() => void> {
  const { readPassphrase } = await import('../host/embedded/passphrase');
  const { watchPassphrase } = await import('../host/embedded/passphraseWatch');
  return watchPassphrase(stateDir, readPassphrase(stateDir), (passphrase) =>
    out(
      passphrase
        ? `${stamp()} The passphrase changed: guests now log in with "${passphrase}" (the old one no longer works; guests already watching stay).`
        : `${stamp()} The passphrase file is gone: nobody can log in until one is made (${passphraseCommandLine(stateDir)}).`,
    ),
  );
}

/**
 * The `passphrase` command that acts on this broadcast's state folder: without `--state-dir` it
 * would read or replace the default folder's passphrase, which a host given another folder never
 * looks at.
 */
function passphraseCommandLine(stateDir: string, ...flags: string[]): string {
  const folder = stateDir === cliConfigDir() ? [] : ['--state-dir', stateDir];
  return shellCommand(['guest-broadcast', 'passphrase', ...flags, ...folder]);
}

async function accessLine(embedded: Pick<EmbeddedServerOptions, 'access' | 'stateDir' | 'authorizedKeysFile'>): Promise<string> {
  switch (embedded.access) {
    case 'open':
      return 'open: any user name, no password';
    case 'password': {
      const { loadOrCreatePassphrase } = await import('../host/embedded/passphrase');
      return `password "${loadOrCreatePassphrase(embedded.stateDir)}" (any user name; new one: ${passphraseCommandLine(embedded.stateDir, '--regenerate')})`;
    }
    case 'keys': {
      const { authorizedKeysPath } = await import('../host/embedded/access');
      return `keys listed in ${authorizedKeysPath({ policy: 'keys', stateDir: embedded.stateDir, authorizedKeysFile: embedded.authorizedKeysFile })}`;
    }
  }
}

/** How the host lowers the curtain, for the banner. */
function curtainLine(broadcast: Broadcast): string {
  if (broadcast.curtainProblem) return `unavailable: ${broadcast.curtainProblem}`;
  const key = broadcast.curtainKey
    ? ` (or tmux's prefix, then ${broadcast.curtainKey}, in the broadcast's terminal)`
    : ` (your tmux config binds prefix ${CURTAIN_KEY}, so no key was bound: see the README's curtain section to bind one)`;
  return `guest-broadcast pause / resume${key}`;
}
