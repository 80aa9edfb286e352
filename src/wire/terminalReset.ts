// The escape sequences that give a terminal back in a usable state after a tmux client stops
// drawing on it without detaching cleanly. Two places need them: the embedded server, for a
// guest it kicks or ends while the group's tmux client goes on for others (tmux itself would
// have sent the same on detach), and `guest-broadcast watch`, when the connection dies mid-screen.
// Written once so both undo the same modes: a mode one forgot (mouse reporting, bracketed paste)
// leaves a guest's shell printing escape codes on every click or paste.

/** CAN: abandons any escape sequence the terminal is in the middle of. */
export const CANCEL_SEQUENCE = '\x18';
/** Plain attributes, cursor shown, cursor keys and keypad back to normal. */
const ATTRIBUTES_AND_CURSOR = '\x1b[0m\x1b[?25h\x1b[?1l\x1b>';
/** Mouse reporting (1000, 1002, 1003) and its encodings (1005, 1006), focus reports, bracketed paste: off. */
const REPORTING_OFF = '\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1005l\x1b[?1004l\x1b[?2004l';
/** The full screen as scroll region (moves the cursor home, so only with LEAVE_ALT_SCREEN after it). */
const FULL_SCROLL_REGION = '\x1b[r';
/** Back to the normal screen, restoring its cursor. */
export const LEAVE_ALT_SCREEN = '\x1b[?1049l';

/**
 * Modes only: the screen and the cursor's place are left as they are. For a terminal whose
 * screen the user keeps reading (the CLI watcher, which leaves the alternate screen itself only
 * when it is on).
 */
export const RESET_MODES = ATTRIBUTES_AND_CURSOR + REPORTING_OFF;

/** What tmux sends a client it detaches: everything above, and the normal screen back. */
export const RESET_AS_TMUX_DETACH = CANCEL_SEQUENCE + FULL_SCROLL_REGION + RESET_MODES + LEAVE_ALT_SCREEN;
