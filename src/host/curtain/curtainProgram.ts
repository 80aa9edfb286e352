// The curtain program: what a locked tmux client runs (tmux's lock-command) while the broadcast is
// paused. tmux stops drawing the session to a client the moment it locks it and runs the lock
// command in the client's own terminal, so this program's screen is all a guest sees: the embedded
// server's and the browser's guests (their fan-out client runs it), and system mode's guests (their
// client, inside the guest account's chroot, runs it). See curtainTmux.ts for when clients lock.
//
// It runs as whoever runs the client (the host, or the guest account in its chroot), in Perl for
// the same reason as the size relay: core Perl is on every host this targets and in the chroot.
// It writes the curtain marks (curtainMarks.ts) around its screen, asks tmux (list-clients, which a
// read-only client may run) whenever the broadcast's nudge file changes (src/host/ownerNudge.ts,
// written by every pause and resume) and every few seconds, and exits when the pause is over, so tmux
// unlocks the client and redraws the session as it is then. It fails closed: while it cannot tell
// (tmux busy, a query failing), the curtain stays. It ends without lifting the curtain when its
// client or the tmux server is gone.
//
// The host's own (read-write) client is locked too (lock-session is the one atomic way to lock
// every guest): the program sees that its client may write and gets out of the way at once: when
// paused, it exits (the host's terminal blinks and is redrawn); when not paused (the host's own
// lock-after-time or lock-session), it runs the host's own lock command instead.
import { shellQuote } from '../../tmux/attach';
import { ENDED_MESSAGE } from '../messages';
import { CURTAIN_DOWN_MARK, CURTAIN_UP_MARK } from './curtainMarks';

/** What guests read when the host gave no message. */
export const DEFAULT_CURTAIN_MESSAGE = 'The host paused the broadcast for a moment.';

/** How often the program looks at the nudge file (owner nudge: every pause and resume writes it). */
export const CURTAIN_POLL_SECONDS = 0.25;
/** How often it asks tmux anyway, when no nudge came (the file unreadable, a tmux set-option by hand). */
export const CURTAIN_ASK_EVERY_SECONDS = 3;

/** The value of @paused while the broadcast stops behind the curtain: say goodbye, lift nothing. */
export const PAUSED_ENDING = 'ending';

const perlString = (text: string): string => `"${[...text].map((c) => (/[\w .,:;!?()'-]/.test(c) ? c : `\\x{${c.codePointAt(0)!.toString(16)}}`)).join('')}"`;

// Written without "${" or backquotes so it sits in a template literal as is.
const PROGRAM = String.raw`
use strict; use warnings;
my ($tmux, $socket, $host_lock) = @ARGV;
my ($DOWN, $UP, $DEFAULT, $ENDED, $POLL, $ENDING, $ASK_EVERY) = (@DOWN@, @UP@, @DEFAULT@, @ENDED@, @POLL@, @ENDING@, @ASK_EVERY@);
$| = 1;
$SIG{PIPE} = 'IGNORE';
binmode(STDOUT, ':utf8');
my $client = getppid();
# The socket as this process sees it: inside a chroot it is a tail of the host's path.
my $sock = $socket;
while (!-S $sock && $sock =~ s{^/[^/]+(?=/)}{}) {}
$sock = $socket unless -S $sock;
# (readonly, paused, message) of this program's client; () when tmux cannot say.
sub state {
  my $pid = open(my $fh, '-|');
  return () unless defined $pid;
  if (!$pid) {
    open(STDERR, '>&', \*STDOUT);
    # Spaces between the fields: tmux turns a tab into "_" for a client without a UTF-8 locale
    # (a guest's, under sshd), and -u keeps the message's UTF-8. The message has no control characters.
    exec { $tmux } $tmux, '-u', '-S', $sock, 'list-clients', '-F', '#{client_pid} #{client_readonly} #{@paused} #{@pause-message}';
    exit 127;
  }
  my @mine;
  while (my $line = <$fh>) {
    chomp $line;
    my @f = split(/ /, $line, 4);
    @mine = (@f[1, 2], defined $f[3] ? $f[3] : '') if @f >= 3 && $f[0] eq $client;
  }
  close($fh) or return ();
  return @mine ? @mine : ('gone');
}
sub winsize {
  my $ws = "\0" x 8;
  return (24, 80) unless ioctl(STDOUT, 0x5413, $ws);
  my ($r, $c) = unpack('S2', $ws);
  return ($r > 0 ? $r : 24, $c > 0 ? $c : 80);
}
# Columns a text takes: East Asian wide characters and emoji take two, combining marks none.
my $WIDE = qr/[\x{1100}-\x{115F}\x{231A}\x{231B}\x{23E9}-\x{23EC}\x{23F0}\x{23F3}\x{25FD}\x{25FE}\x{2614}\x{2615}\x{2648}-\x{2653}\x{267F}\x{2693}\x{26A1}\x{26AA}\x{26AB}\x{26BD}\x{26BE}\x{26C4}\x{26C5}\x{26CE}\x{26D4}\x{26EA}\x{26F2}\x{26F3}\x{26F5}\x{26FA}\x{26FD}\x{2705}\x{270A}\x{270B}\x{2728}\x{274C}\x{274E}\x{2753}-\x{2755}\x{2757}\x{2795}-\x{2797}\x{27B0}\x{27BF}\x{2B1B}\x{2B1C}\x{2B50}\x{2B55}\x{2E80}-\x{303E}\x{3041}-\x{A4CF}\x{AC00}-\x{D7A3}\x{F900}-\x{FAFF}\x{FE30}-\x{FE4F}\x{FF00}-\x{FF60}\x{FFE0}-\x{FFE6}\x{1F004}\x{1F0CF}\x{1F18E}\x{1F191}-\x{1F19A}\x{1F200}-\x{1F251}\x{1F300}-\x{1F64F}\x{1F680}-\x{1F6FF}\x{1F900}-\x{1F9FF}\x{1FA70}-\x{1FAFF}\x{20000}-\x{3FFFD}]/;
my $ZERO = qr/[\x{0300}-\x{036F}\x{200B}-\x{200F}\x{FE00}-\x{FE0F}]/;
sub cells { my $t = shift; my $wide = () = $t =~ /$WIDE/g; my $zero = () = $t =~ /$ZERO/g; return length($t) + $wide - $zero; }
sub wrap {
  my ($text, $width) = @_;
  my @lines;
  my $line = '';
  for my $word (split(/ +/, $text)) {
    while (cells($word) > $width) {
      push(@lines, $line) if length $line;
      $line = '';
      my $cut = 1;
      $cut++ while $cut < length($word) && cells(substr($word, 0, $cut + 1)) <= $width;
      push(@lines, substr($word, 0, $cut, ''));
    }
    if (!length $line) { $line = $word; }
    elsif (cells($line) + 1 + cells($word) <= $width) { $line .= " $word"; }
    else { push(@lines, $line); $line = $word; }
  }
  push(@lines, $line) if length $line;
  return @lines;
}
sub draw {
  my ($message, $rows, $cols) = @_;
  my $inner = $cols - 6 < 60 ? $cols - 6 : 60;
  $inner = 10 if $inner < 10;
  my @body = ('Guest Broadcast: paused', '', wrap($message, $inner), '', wrap('The session shows again here when the host resumes.', $inner));
  my $top = int(($rows - @body - 2) / 2) + 1;
  $top = 1 if $top < 1;
  my $left = int(($cols - $inner - 4) / 2) + 1;
  $left = 1 if $left < 1;
  # Each line placed by the cursor: the terminal's newline translation is the host's business.
  my $out = "\e[0m\e[?25l\e[H\e[2J\e[$top;$left" . 'H' . "\x{256d}" . ("\x{2500}" x ($inner + 2)) . "\x{256e}";
  for my $i (0 .. $#body) {
    my $text = $body[$i];
    my $styled = $i == 0 ? "\e[1m$text\e[22m" : $text;
    $out .= "\e[" . ($top + 1 + $i) . ";$left" . 'H' . "\x{2502} " . $styled . (' ' x ($inner - cells($text))) . " \x{2502}";
  }
  $out .= "\e[" . ($top + 1 + @body) . ";$left" . 'H' . "\x{2570}" . ("\x{2500}" x ($inner + 2)) . "\x{256f}";
  print $out or exit 0;
}
my ($readonly, $paused, $message) = state();
if (defined $readonly && $readonly eq '0') {
  # The host's own client: never behind the curtain.
  exit 0 if defined $paused && $paused ne '' && $paused ne '0';
  exec('/bin/sh', '-c', $host_lock) if length $host_lock;
  exit 0;
}
print $DOWN or exit 0;
my ($shown, $size) = ('', '');
my $nudge = "$sock.nudge";
sub nudged { open(my $fh, '<', $nudge) or return ''; my $text = <$fh>; close($fh); return defined $text ? $text : ''; }
my ($seen, $ask_at) = (nudged(), time + $ASK_EVERY);
for (;;) {
  exit 0 if getppid() != $client;
  if (defined $readonly && $readonly eq 'gone') { exit 0; }
  if (defined $paused && $paused eq $ENDING) {
    if ($shown ne $ENDING) { print "\e[0m\e[H\e[2J\e[2;1H$ENDED\e[?25h" or exit 0; $shown = $ENDING; }
  } elsif (defined $paused && ($paused eq '' || $paused eq '0')) {
    print $UP;
    exit 0;
  } else {
    my $text = defined $message && length $message ? $message : $DEFAULT;
    utf8::decode($text);
    my ($rows, $cols) = winsize();
    if ($text ne $shown || "$rows $cols" ne $size) { draw($text, $rows, $cols); ($shown, $size) = ($text, "$rows $cols"); }
  }
  # Asking tmux costs a process and the server's time, for every guest: it is asked when the
  # nudge file beside the socket changes (every pause and resume writes it), and every few
  # seconds anyway. Between, only the file is read and the terminal's size looked at.
  for (;;) {
    select(undef, undef, undef, $POLL);
    exit 0 unless -S $sock;
    exit 0 if getppid() != $client;
    my $now = nudged();
    last if $now ne $seen || time >= $ask_at;
    my ($rows, $cols) = winsize();
    last if $shown ne $ENDING && "$rows $cols" ne $size;
  }
  $seen = nudged();
  $ask_at = time + $ASK_EVERY;
  ($readonly, $paused, $message) = state();
}
`;

/** The program's Perl text, its constants filled in. */
export function curtainProgramSource(): string {
  // The comments stay here: the text travels in every lock command tmux sends a client.
  return PROGRAM.trim()
    .replace(/^\s*#.*\n/gm, '')
    .replace('@DOWN@', perlString(CURTAIN_DOWN_MARK))
    .replace('@UP@', perlString(CURTAIN_UP_MARK))
    .replace('@DEFAULT@', perlString(DEFAULT_CURTAIN_MESSAGE))
    .replace('@ENDED@', perlString(ENDED_MESSAGE))
    .replace('@POLL@', String(CURTAIN_POLL_SECONDS))
    .replace('@ENDING@', perlString(PAUSED_ENDING))
    .replace('@ASK_EVERY@', String(CURTAIN_ASK_EVERY_SECONDS));
}

export interface CurtainCommandOptions {
  /** Perl, by absolute path (the same path inside the guest chroot, where the setup copies it). */
  perl: string;
  /** tmux, by absolute path (likewise). */
  tmux: string;
  /** The broadcast's socket as the host sees it. */
  socketPath: string;
  /** The host's own lock-command, run for the host's client when it locks outside a pause. */
  hostLockCommand: string;
}

/** The session's lock-command: the curtain program, for every client tmux locks. */
export function curtainLockCommand(o: CurtainCommandOptions): string {
  return `exec ${shellQuote(o.perl)} -e ${shellQuote(curtainProgramSource())} ${shellQuote(o.tmux)} ${shellQuote(o.socketPath)} ${shellQuote(o.hostLockCommand)}`;
}
