// What may leave the host toward a guest's terminal: the one rule for every way guests are served
// (the embedded server's size groups, and the system mode's Perl size relay, whose filter is
// generated from the constants below so the rule is written once).
//
// The guest's bytes come from a read-only tmux client, so they are tmux's own rendering, never a
// program's raw output, with three exceptions a host's tmux config can open (measured on tmux
// 3.3a with an `attach -r` client and TERM xterm-256color; see the README's "What keeps guests
// read-only"):
//   - `set-clipboard on`: `printf '\033]52;c;cm0gLXJmIH4=\a'` reaches every client as
//     `ESC ]52;;cm0gLXJmIH4= BEL`, so a file catted on the host could set the guests' clipboards;
//   - `set-titles on`: every client gets `ESC ]0;b:0:sh - "<title a program chose>" BEL`;
//   - `allow-passthrough on`: `ESC Ptmux;…ESC \` hands its payload, unwrapped, raw to every
//     client (an inner OSC 52 arrives as `ESC ]52;c;… BEL`, plain text as plain text).
// tmux sends these to every client whose terminal has the feature, and a guest's TERM is an
// ordinary one (xterm-256color, like the host's), so tmux's terminal-features cannot tell a guest
// from the host; forcing the options off would take them from the host's own terminal too. So:
//   1. This filter drops every string sequence (OSC, DCS, SOS, PM, APC, in ESC or UTF-8 C1 form)
//      toward guests, but the harmless cursor-colour OSC 12/112 tmux itself sends. It holds
//      whatever the host's options say, and whenever they change: no tmux option reaches it.
//   2. Passthrough can also carry plain text and CSI that no filter can tell from tmux's own
//      output, so the broadcast server keeps `allow-passthrough` off at every level, re-forced by
//      hooks after any set-option (src/tmux/broadcastSession.ts). The filter is what catches a
//      passthrough OSC 52 or DCS query even if those hooks were removed.
// Everything else (text, CSI, plain ESC sequences) passes unchanged, so the size group's
// ScreenModel and the snapshots it makes see exactly what the guests see.
import { ALLOWED_OSC } from '../watcher/sequencePolicy';
import { CURTAIN_DOWN_MARK, CURTAIN_UP_MARK } from './curtain/curtainMarks';

/** OSC bodies a guest may receive: the watchers' rule (src/watcher/sequencePolicy.ts), i.e. only
 * tmux's cursor colour (Cs, set, no "?" query) and its reset (Cr). A JS and a Perl regex alike. */
export const GUEST_ALLOWED_OSC = ALLOWED_OSC;

/** Longest unfinished string sequence held back waiting for its end; longer ones are dropped to
 * their end unseen, so a runaway sequence cannot grow memory or eat the text after it. */
export const GUEST_HELD_MAX = 4096;

// Introducers: ESC ] (OSC), ESC P (DCS), ESC X (SOS), ESC ^ (PM), ESC _ (APC), and their C1 forms.
// Ends: BEL, ST (ESC \ or C1 0x9C), CAN and SUB (cancel), or an ESC starting something else.
const C1_INTRODUCERS = [0x90, 0x98, 0x9d, 0x9e, 0x9f];
const ESC_INTRODUCERS = ']PX^_';
const C1_OSC = 0x9d;
const C1_ST = 0x9c;

const hex = (n: number): string => `\\x${n.toString(16).padStart(2, '0')}`;

// On JavaScript strings (node-pty hands UTF-8 already decoded) a C1 control is one character.
const JS_INTRODUCER = new RegExp(`\\x1b[${ESC_INTRODUCERS.replace(/[\]^\\]/g, '\\$&')}]|[${C1_INTRODUCERS.map((c) => `\\u00${c.toString(16)}`).join('')}]|\\x1b$`, 'g');
const JS_END = new RegExp(`[\\x07\\x18\\x1a\\x1b\\u00${C1_ST.toString(16)}]`, 'g');
const JS_ALLOWED = new RegExp(GUEST_ALLOWED_OSC);
const TRAILING_ESC = /\x1b+$/;

/**
 * The filter over one stream of a tmux client's output. State is kept between chunks: a sequence
 * split across reads is judged whole, and only an unfinished string sequence is ever held back.
 */
export class GuestOutputFilter {
  private held = '';
  /** Inside a string sequence too long to hold: dropping up to its end. */
  private discarding = false;

  /**
   * @param keepCurtainMarks keep the curtain program's two APC marks (curtain/curtainMarks.ts) in
   * the output, for a reader that takes them out itself (the fan-out's size group); every other
   * string sequence is dropped all the same.
   */
  constructor(private readonly keepCurtainMarks = false) {}

  push(data: string): string {
    const input = this.held + data;
    this.held = '';
    let out = '';
    let i = 0;
    while (i < input.length) {
      if (this.discarding) {
        JS_END.lastIndex = i;
        const end = JS_END.exec(input);
        if (!end) return out;
        const k = end.index;
        if (input[k] === '\x1b') {
          if (k + 1 >= input.length) {
            this.held = '\x1b';
            return out;
          }
          i = input[k + 1] === '\\' ? k + 2 : k;
        } else i = k + 1;
        this.discarding = false;
        continue;
      }
      JS_INTRODUCER.lastIndex = i;
      const intro = JS_INTRODUCER.exec(input);
      if (!intro) {
        out += input.slice(i);
        break;
      }
      const start = intro.index;
      // ESCs just before a string sequence are cut off by it in the guest's terminal; were they
      // kept, dropping the sequence would join them to the text after it (`ESC` + `]52;…`).
      out += input.slice(i, start).replace(TRAILING_ESC, '');
      if (intro[0] === '\x1b') {
        // A lone ESC at the very end: what follows decides.
        this.held = '\x1b';
        break;
      }
      const bodyStart = start + intro[0].length;
      const isOsc = intro[0] === '\x1b]' || intro[0].charCodeAt(0) === C1_OSC;
      JS_END.lastIndex = bodyStart;
      const endMatch = JS_END.exec(input);
      const k = endMatch ? endMatch.index : -1;
      if (k < 0 || (input[k] === '\x1b' && k + 1 >= input.length)) {
        this.holdOrDiscard(input.slice(start));
        break;
      }
      let next: number;
      let finished: boolean;
      if (input[k] === '\x1b') {
        finished = input[k + 1] === '\\';
        next = finished ? k + 2 : k; // an ESC that is not ST ends the string and starts anew
      } else {
        finished = input[k] !== '\x18' && input[k] !== '\x1a';
        next = k + 1;
      }
      if (isOsc && finished && JS_ALLOWED.test(input.slice(bodyStart, k))) out += input.slice(start, next);
      else if (this.keepCurtainMarks && finished && isCurtainMark(input.slice(start, next))) out += input.slice(start, next);
      i = next;
    }
    return out;
  }

  private holdOrDiscard(unfinished: string): void {
    if (unfinished.length > GUEST_HELD_MAX) this.discarding = true;
    else this.held = unfinished;
  }
}

function isCurtainMark(sequence: string): boolean {
  return sequence === CURTAIN_DOWN_MARK || sequence === CURTAIN_UP_MARK;
}

/**
 * The same filter in Perl, on bytes (UTF-8 C1 controls are two bytes, so a lone 0xC2 at the end
 * of a read is held too), for the system mode's size relay: `guest_safe($bytes)` returns what may
 * be written to the guest. Generated from the constants above; test/unit/guestOutputFilter.test.ts
 * runs both over the same streams.
 */
export function guestFilterPerl(): string {
  const escIntro = ESC_INTRODUCERS.split('').map((c) => hex(c.charCodeAt(0))).join('');
  const c1Intro = C1_INTRODUCERS.map(hex).join('');
  return String.raw`
# What may reach the guest's terminal (generated from src/host/guestOutputFilter.ts): every
# string sequence is dropped but tmux's cursor colour; split sequences are judged whole.
my $GUEST_INTRO = qr/\e[${escIntro}]|\xc2[${c1Intro}]|\e\z|\xc2\z/;
my $GUEST_END = qr/[\x07\x18\x1a\e]|\xc2${hex(C1_ST)}|\xc2\z/;
my $GUEST_ALLOWED = qr/${GUEST_ALLOWED_OSC}/;
my ($guest_held, $guest_discarding) = ('', 0);
sub guest_safe {
  my $in = $guest_held . $_[0];
  $guest_held = '';
  my ($out, $i, $n) = ('', 0, length $in);
  while ($i < $n) {
    pos($in) = $i;
    if ($guest_discarding) {
      return $out unless $in =~ /$GUEST_END/g;
      my ($k, $e) = ($-[0], $+[0]);
      if ($e == $n && $e - $k == 1 && substr($in, $k, 1) =~ /[\e\xc2]/) { $guest_held = substr($in, $k); return $out; }
      if (substr($in, $k, 1) eq "\e") { $i = substr($in, $k + 1, 1) eq '\\' ? $k + 2 : $k; } else { $i = $e; }
      $guest_discarding = 0;
      next;
    }
    if ($in !~ /$GUEST_INTRO/g) { $out .= substr($in, $i); last; }
    my ($s, $b) = ($-[0], $+[0]);
    # ESC or a lone UTF-8 lead byte before a string is cut off by it; kept, they would join the
    # text after a dropped string into a new sequence (ESC + "]52;...", 0xC2 + 0x9D).
    (my $text = substr($in, $i, $s - $i)) =~ s/[\e\xc2]+\z//;
    $out .= $text;
    if ($b - $s == 1) { $guest_held = substr($in, $s); last; }
    my $osc = substr($in, $s, 2) eq "\e]" || substr($in, $s, 2) eq "\xc2\x9d";
    pos($in) = $b;
    my $found = $in =~ /$GUEST_END/g;
    my ($k, $e) = $found ? ($-[0], $+[0]) : (-1, -1);
    if (!$found || ($e == $n && $e - $k == 1 && substr($in, $k, 1) =~ /[\e\xc2]/)) {
      my $rest = substr($in, $s);
      if (length($rest) > ${GUEST_HELD_MAX}) { $guest_discarding = 1; } else { $guest_held = $rest; }
      last;
    }
    my ($next, $finished);
    my $c = substr($in, $k, 1);
    if ($c eq "\e") { $finished = substr($in, $k + 1, 1) eq '\\'; $next = $finished ? $k + 2 : $k; }
    else { $finished = $c ne "\x18" && $c ne "\x1a"; $next = $e; }
    $out .= substr($in, $s, $next - $s) if $osc && $finished && substr($in, $b, $k - $b) =~ $GUEST_ALLOWED;
    $i = $next;
  }
  return $out;
}
`;
}
