// The script sshd runs for every guest login (ForceCommand). It ignores what the guest asked to
// run and attaches read-only to the broadcast; the argv comes from src/tmux/attach.ts, the one
// place that defines a guest's client. It runs as the guest, through the guest's /bin/sh, and
// the client runs behind the size relay (sizeRelay.ts), whose Perl text ends this same file.
import { guestAttachArgv, shellCommand, shellQuote } from '../../tmux/attach';
import { HOST_SIZE_COMMAND } from '../../wire/hostSize';
import { ENDED_MESSAGE } from '../messages';
import { GuestSetupOptions } from './options';
import { PERL_ENVIRONMENT, RELAY_REFUSED_STATUS, sizeRelayArgv, sizeRelaySource } from './sizeRelay';

type WrapperOptions = Pick<GuestSetupOptions, 'guestUser' | 'guestSocketPath' | 'sessionName' | 'tmuxPath' | 'perlPath' | 'wrapperPath'>;

/** The wrapper's line that starts the guest's client: the read-only attach behind the size relay. */
export function wrapperAttachLine(o: Omit<WrapperOptions, 'guestUser'>): string {
  const attach = guestAttachArgv({ socketPath: o.guestSocketPath, sessionName: o.sessionName, tmuxBin: o.tmuxPath });
  return shellCommand(sizeRelayArgv(o.perlPath, o.wrapperPath, attach));
}

/** The wrapper's first comment: `setup-guest --undo` removes only files that carry it. */
export const WRAPPER_SIGNATURE = '# Guest Broadcast: the forced command of the guest account';

/**
 * The host-size stream (src/wire/hostSize.ts) for a watcher that runs `exec
 * guest-broadcast-host-size` beside its view: a few lines of core Perl that ask tmux (with the
 * read-only access the guest has: list-clients) once a second for the host's read-write client
 * size and print "COLSxROWS" when it changes. It ends with the tmux server or the connection.
 * No terminal is needed and nothing the guest sends is read.
 */
const HOST_SIZE_PERL = [
  'my ($tmux, $sock) = @ARGV; my $last = ""; $| = 1;',
  'for (;;) {',
  '  open(my $p, "-|", $tmux, "-S", $sock, "list-clients", "-F", "#{client_readonly} #{client_activity} #{client_width}x#{client_height}") or exit 0;',
  '  my ($best, $at) = ("", -1);',
  '  while (my $line = <$p>) { my ($ro, $act, $size) = split(" ", $line); if (defined $size && $ro eq "0" && $act > $at) { ($best, $at) = ($size, $act); } }',
  '  close($p) or exit 0;',
  '  if ($best ne "" && $best ne $last) { print "$best\\n" or exit 0; $last = $best; }',
  '  sleep 1;',
  '}',
].join(' ');

export const NOTHING_BROADCAST_MESSAGE = 'Guest Broadcast: nothing is being broadcast right now. Try again later.';

export function forceCommandWrapper(o: WrapperOptions): string {
  const probe = shellCommand([o.tmuxPath, '-S', o.guestSocketPath, 'list-clients']);
  const noTty = `Guest Broadcast: this account only shows a live terminal. Connect with a terminal: ssh -t ${o.guestUser}@HOST`;
  return [
    '#!/bin/sh',
    `${WRAPPER_SIGNATURE} "${o.guestUser}" (sshd ForceCommand).`,
    '# Written by "guest-broadcast setup-guest": re-run it instead of editing this file.',
    '# Whatever the guest asked to run ($SSH_ORIGINAL_COMMAND) is ignored on purpose, except one',
    '# word: a watcher asking for the host\'s terminal size (src/wire/hostSize.ts) gets it.',
    `if [ "$SSH_ORIGINAL_COMMAND" = ${HOST_SIZE_COMMAND} ]; then`,
    `  unset ${PERL_ENVIRONMENT.join(' ')}`,
    `  exec ${shellCommand([o.perlPath, '-e', HOST_SIZE_PERL, o.tmuxPath, o.guestSocketPath])}`,
    'fi',
    'if [ ! -t 0 ] || [ ! -t 1 ]; then',
    `  printf '%s\\n' ${shellQuote(noTty)} >&2`,
    '  exit 1',
    'fi',
    // list-clients is one of the few commands a read-only client may run, and unlike attach it
    // never tries to start a server; tmux leaves the socket file behind when its server ends.
    `if ! problem=$(${probe} 2>&1 >/dev/null); then`,
    '  case "$problem" in',
    `    *'no server running'*|*'No such file'*|*'Connection refused'*) message=${shellQuote(NOTHING_BROADCAST_MESSAGE)} ;;`,
    `    *) message="Guest Broadcast: the broadcast cannot be watched right now ($problem). Ask the host to run: guest-broadcast doctor" ;;`,
    '  esac',
    `  printf '\\r\\n%s\\r\\n' "$message"`,
    '  exit 1',
    'fi',
    // Not exec: when the broadcast's tmux server dies under the guest, tmux exits non-zero with
    // "[lost server]"; the guest is told the broadcast ended instead. The status is kept, so a
    // watcher still tells a crash (try again) from the host's clean stop (status 0, farewell
    // already printed by tmux).
    '# Nothing from the guest\'s environment steers perl; a locale the chroot lacks is no warning.',
    `unset ${PERL_ENVIRONMENT.join(' ')}`,
    'PERL_BADLANG=0; export PERL_BADLANG',
    wrapperAttachLine(o),
    'status=$?',
    // The relay's own refusal has said what is wrong; anything else non-zero is the end.
    `if [ "$status" -ne 0 ] && [ "$status" -ne ${RELAY_REFUSED_STATUS} ]; then printf '\\r\\n%s\\r\\n' ${shellQuote(ENDED_MESSAGE)}; fi`,
    'exit "$status"',
    '',
    // The shell never reads past the exit above; `perl -x` starts at the relay's "#!perl" line.
    sizeRelaySource(),
  ].join('\n');
}
