// What relay guests see, compared with the host: a guest's rendered rows against the host pane
// (capture-pane), and notices drawn over the last rows (read as one line, however they wrap).
// A guest is anything with rendered lines: an OpenSSH client (PtyClient) or a browser-protocol
// guest (WebGuestClient).
import type { Tmux } from '../../src/tmux/tmux';
import { waitFor } from './screen';
import { capturePane, windowSize } from './tmuxFixture';

/** A guest whose screen the test reads. */
export interface ScreenGuest {
  lines(): Promise<string[]>;
}

/**
 * Waits until the guest's rows above tmux's status line equal the host's pane (80x24 guest, 80x23
 * pane). A guest larger than the host's window sees it in its top-left corner, the rest filled by
 * tmux: only the window's columns are compared.
 */
export async function matchesPane(tmux: Tmux, guest: ScreenGuest, what: string, timeoutMs = 30_000): Promise<void> {
  let last = '';
  await waitFor(what, async () => {
    const pane = (await capturePane(tmux, 'broadcast')).map((l) => l.trimEnd());
    const { cols } = await windowSize(tmux, 'broadcast');
    const seen = (await guest.lines()).slice(0, pane.length).map((l) => l.slice(0, cols).trimEnd());
    last = `${seen.join('\n')}\n----- vs capture-pane -----\n${pane.join('\n')}`;
    return JSON.stringify(seen) === JSON.stringify(pane);
  }, timeoutMs).catch((error: Error) => {
    throw new Error(`${error.message}\n${last}`);
  });
}

/** The guest's screen as one line (rows joined by spaces, runs of spaces as one): a wrapped notice reads whole. */
export async function screenLine(guest: ScreenGuest): Promise<string> {
  return (await guest.lines()).map((l) => l.trim()).join(' ').replace(/\s+/g, ' ');
}

/** Waits until the guest's screen (as one line) contains `text`. */
export async function waitForNotice(guest: ScreenGuest, text: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(`"${text}" on the guest's screen`, async () => (await screenLine(guest)).includes(text), timeoutMs).catch(async (error: Error) => {
    throw new Error(`${error.message}\nScreen was:\n${(await guest.lines()).join('\n')}`);
  });
}
