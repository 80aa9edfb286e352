// System mode's size relay. sshd hands a guest's window-change to the guest's tmux client
// unchanged, and tmux 3.3a has no option that caps a client's size: a guest claiming 10000x10000
// stalls the host's tmux server for seconds, again at every resize. So the forced command does
// not give tmux the guest's own terminal. It runs the read-only client in a pty of its own whose
// size is the guest's, clamped to MAX_GUEST_COLS x MAX_GUEST_ROWS, and relays its output.
//
// It is Perl because the relay must run inside a guest chroot that holds no toolchain, and
// Perl (Debian's perl-base, an Essential package) is on every host this targets; the setup
// script copies it into the chroot along with the pty device it needs.
//
// THE READ-ONLY GUARANTEE OF SYSTEM MODE LIVES HERE, as the embedded mode's does in
// src/host/embedded/guestView.ts: what the guest sends is read (so the guest's ssh session never
// stalls, and nothing piles up) and dropped; it is never written to the client's pty. A
// read-only tmux client still runs key bindings (C-b ) ( s, the C-b : prompt's switch-client):
// with no keys, it switches nowhere and shows nothing but the broadcast. tmux needs no terminal
// replies either (embedded clients never get any). `attach -r` is the second, independent guard.
// A guest leaves as an embedded guest does: ssh's escape (Enter, then ~.) or closing its terminal.
// Output goes through guest_safe, the Perl form of the guests' output rule (no clipboard, title
// or passthrough sequences), generated from src/host/guestOutputFilter.ts.
import { guestFilterPerl } from '../guestOutputFilter';
import { MAX_GUEST_COLS, MAX_GUEST_ROWS } from '../guestWindow';

// The relay lives at the end of the forced command's own file, after its shell part has exited,
// and runs as `perl -x WRAPPER ...`: -x skips to the "#!perl" line. One file for an admin to
// review and the doctor to check, and no program text in the guest's process list.
//
// Written without "${" or backquotes so it sits in a template literal as is. The ioctl numbers,
// open flags and the termios layout are Linux's generic ones (x86, arm, riscv); if making the
// pty fails the relay refuses to show anything rather than fall back to an unclamped client.
const RELAY_SOURCE = String.raw`
#!perl
# The size relay (see above): runs the guest's client in a pty no bigger than the limits.
# Core Perl only: the POSIX module alone would cost every guest 2 MiB more.
use strict;
use warnings;

my ($max_cols, $max_rows, @command) = @ARGV;
my ($TCGETS, $TCSETS, $TIOCGWINSZ, $TIOCSWINSZ, $TIOCGPTN, $TIOCSPTLCK, $TIOCGPTPEER) = (0x5401, 0x5402, 0x5413, 0x5414, 0x80045430, 0x40045431, 0x5441);
my ($O_RDWR, $O_NOCTTY, $WNOHANG) = (2, 0400, 1);
# The relay's own failures exit with this (the wrapper then adds no "broadcast ended").
my $REFUSED = @REFUSED@;

sub refuse {
  print STDOUT "\r\nGuest Broadcast: the broadcast cannot be shown right now ($_[0]). Ask the host to run: guest-broadcast doctor\r\n";
  exit $REFUSED;
}

# Handlers first: a resize or the client's exit before the loop starts is not lost.
my ($resized, $child_done, $hangup) = (0, 0, 0);
$SIG{WINCH} = sub { $resized = 1 };
$SIG{CHLD} = sub { $child_done = 1 };
$SIG{HUP} = $SIG{TERM} = sub { $hangup = 1 };
$SIG{PIPE} = 'IGNORE';

# The guest's size, clamped; 80x24 when the guest's terminal reports none.
sub clamped_winsize {
  my ($rows, $cols) = (24, 80);
  my $ws = "\0" x 8;
  if (ioctl(STDIN, $TIOCGWINSZ, $ws)) {
    my ($r, $c) = unpack('S2', $ws);
    ($rows, $cols) = ($r, $c) if $r > 0 && $c > 0;
  }
  $rows = $max_rows if $rows > $max_rows;
  $cols = $max_cols if $cols > $max_cols;
  return pack('S4', $rows, $cols, 0, 0);
}

refuse('no command to relay') unless @command && $max_cols > 0 && $max_rows > 0;
sysopen(my $master, '/dev/ptmx', $O_RDWR | $O_NOCTTY) or refuse("no pseudo-terminal: /dev/ptmx: $!");
my $unlock = pack('i', 0);
ioctl($master, $TIOCSPTLCK, $unlock) or refuse("cannot unlock a pseudo-terminal: $!");
# The other end, opened from this one (Linux 4.13+) so no path is needed; else by its number, in
# the folder /dev/ptmx points into (a chroot's pty filesystem is not at /dev/pts, see the setup).
my $slave;
my $peer = ioctl($master, $TIOCGPTPEER, $O_RDWR | $O_NOCTTY);
if (defined $peer) {
  open($slave, '+<&=', int($peer)) or refuse("cannot open a pseudo-terminal: $!");
} else {
  my $number = pack('i', 0);
  ioctl($master, $TIOCGPTN, $number) or refuse("cannot name a pseudo-terminal: $!");
  my $dir = -l '/dev/ptmx' ? '/dev/' . (readlink('/dev/ptmx') =~ s{/?ptmx$}{}r) : '/dev/pts';
  sysopen($slave, "$dir/" . unpack('i', $number), $O_RDWR | $O_NOCTTY) or refuse("cannot open a pseudo-terminal: $!");
}
my $size = clamped_winsize();
ioctl($master, $TIOCSWINSZ, $size) or refuse("cannot size a pseudo-terminal: $!");

# The guest's terminal goes raw (what cfmakeraw does): the client's output passes untouched, and
# what the guest types is neither echoed nor a signal (Ctrl-C does nothing, as in embedded mode).
# struct termios: four flag words, the line discipline, then c_cc (VTIME is 5, VMIN is 6).
my $saved = "\0" x 64;
my $have_saved = ioctl(STDIN, $TCGETS, $saved);
if ($have_saved) {
  my ($iflag, $oflag, $cflag, $lflag, $line, @cc) = unpack('L4 C C19', $saved);
  $iflag &= ~(01 | 02 | 010 | 040 | 0100 | 0200 | 0400 | 02000);
  $oflag &= ~01;
  $lflag &= ~(010 | 0100 | 02 | 01 | 0100000);
  $cflag = ($cflag & ~(060 | 0400)) | 060;
  @cc[5, 6] = (0, 1);
  my $raw = pack('L4 C C19', $iflag, $oflag, $cflag, $lflag, $line, @cc) . substr($saved, 36);
  ioctl(STDIN, $TCSETS, $raw);
}
sub restore_terminal { ioctl(STDIN, $TCSETS, $saved) if $have_saved; }
@GUEST_FILTER@
my $pid = fork();
refuse("cannot start the viewer: $!") unless defined $pid;
if ($pid == 0) {
  # A process group of its own, so the guest's terminal signals only the relay. The pty is not
  # the client's controlling terminal: the relay tells it about size changes itself (SIGWINCH).
  setpgrp(0, 0);
  open(STDIN, '<&', $slave) && open(STDOUT, '>&', $slave) && open(STDERR, '>&', $slave) or exit $REFUSED;
  { no warnings 'exec'; exec { $command[0] } @command; }
  print STDERR "\r\nGuest Broadcast: cannot run $command[0]: $!\r\n";
  exit $REFUSED;
}
# Only the client holds the pty now: when it is gone, reading this end ends.
close $slave;

sub write_all {
  my ($fh, $data) = @_;
  while (length $data) {
    my $n = syswrite($fh, $data);
    if (!defined $n) { next if ($!{EINTR} || $!{EAGAIN}) && !$hangup; return 0; }
    substr($data, 0, $n) = '';
  }
  return 1;
}

my $input_open = 1;
my $drain_until = 0;
while (!$hangup) {
  if ($resized) {
    $resized = 0;
    my $size = clamped_winsize();
    ioctl($master, $TIOCSWINSZ, $size);
    kill 'WINCH', $pid;
  }
  # Once the client has exited, what it left in the pty is passed on for a moment, then done.
  $drain_until = time + 1 if $child_done && !$drain_until;
  last if $drain_until && time > $drain_until;
  my $want = '';
  vec($want, fileno($master), 1) = 1;
  vec($want, 0, 1) = 1 if $input_open && !$child_done;
  my $ready = select(my $got = $want, undef, undef, $child_done ? 0.1 : undef);
  if ($ready < 0) { next if $!{EINTR}; last; }
  last if $ready == 0;
  if (vec($got, fileno($master), 1)) {
    my $n = sysread($master, my $buffer, 65536);
    if (!defined $n) { next if $!{EINTR} || $!{EAGAIN}; last; }
    last if $n == 0;
    last unless write_all(\*STDOUT, guest_safe($buffer));
  }
  if ($input_open && vec($got, 0, 1)) {
    my $n = sysread(STDIN, my $buffer, 65536);
    # A terminal that hung up reads as an error (and sends SIGHUP); an empty read only means
    # there is no more input (stdin not a terminal, as in the doctor's trial run).
    if (!defined $n) { next if $!{EINTR}; $input_open = 0; $hangup = 1; }
    elsif ($n == 0) { $input_open = 0; }
    @DROPS_INPUT@
  }
}

# The guest left (or the relay was told to stop): the client goes too.
kill 'HUP', $pid if !$child_done;
my $status;
for (1 .. 50) {
  my $done = waitpid($pid, $WNOHANG);
  if ($done == $pid) { $status = $?; last; }
  last if $done < 0;
  select(undef, undef, undef, 0.02);
}
if (!defined $status) {
  kill 'KILL', $pid;
  waitpid($pid, 0);
  $status = 1 << 8;
}
restore_terminal();
exit(($status & 127) ? 1 : $status >> 8);
__END__
`;

/**
 * The relay's line that drops what the guest read (the buffer is simply let go; the next read
 * reuses it). The doctor looks for it: a relay without it is from a setup that forwarded the
 * guest's keys to its client.
 */
export const RELAY_DROPS_INPUT = '# Guest input: read above and dropped here, never written to the client (see the header).';

/** The relay's exit status when it cannot show anything (it has said why); tmux never uses it. */
export const RELAY_REFUSED_STATUS = 125;

/** The relay's Perl text, from its "#!perl" line to __END__, for the end of the forced command. */
export function sizeRelaySource(): string {
  return RELAY_SOURCE.trim().replace('@REFUSED@', String(RELAY_REFUSED_STATUS)).replace('@DROPS_INPUT@', RELAY_DROPS_INPUT).replace('@GUEST_FILTER@', () => guestFilterPerl().trim() + '\n') + '\n';
}

/**
 * Perl reads these from the environment, and sshd passes on whatever AcceptEnv allows: PERL5OPT
 * alone would let a guest run code instead of the relay. The wrapper unsets them all.
 */
export const PERL_ENVIRONMENT = ['PERL5OPT', 'PERL5LIB', 'PERLLIB', 'PERL5DB', 'PERL5SHELL', 'PERLIO', 'PERLIO_DEBUG', 'PERL_UNICODE', 'PERL_ENCODING', 'PERL_HASH_SEED', 'PERL_HASH_SEED_DEBUG', 'PERL_PERTURB_KEYS', 'PERL_SIGNALS', 'PERL_DESTRUCT_LEVEL', 'PERL_DL_NONLAZY', 'PERL_USE_UNSAFE_INC', 'PERL_MEM_LOG', 'PERL_ROOT'];

/** What the setup and the doctor run behind the relay to try it: a harmless command, no tmux. */
export const RELAY_TRIAL = ['80', '24', '/bin/sh', '-c', 'true'];

/** argv that runs `command` behind the relay kept in `file` (the forced command itself). */
export function sizeRelayArgv(perlPath: string, file: string, command: readonly string[]): string[] {
  return [perlPath, '-x', file, String(MAX_GUEST_COLS), String(MAX_GUEST_ROWS), ...command];
}
