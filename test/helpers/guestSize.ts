// System mode's size cap, checked the same way for the plain and the chrooted guest: an ssh guest
// whose window claims 10000x10000 gets a tmux client of at most 1000x500 (the size relay in the
// forced command), so neither can the window be (guests size it while the host is detached), and
// a normal resize still passes through.
import assert from 'node:assert/strict';
import { MAX_GUEST_COLS, MAX_GUEST_ROWS } from '../../src/host/guestWindow';
import { listClients } from '../../src/tmux/clients';
import { Tmux } from '../../src/tmux/tmux';
import { PtyClient } from './ptyClient';
import { waitFor } from './wait';

async function readOnlySizes(tmux: Tmux): Promise<string[]> {
  return (await listClients(tmux)).filter((c) => c.readOnly).map((c) => `${c.cols}x${c.rows}`);
}

/** `guest` is watching (its only read-only client on `tmux`). */
export async function assertGuestSizeCapped(tmux: Tmux, session: string, guest: PtyClient): Promise<void> {
  const windowSize = (): Promise<string> => tmux.run(['display-message', '-p', '-t', `=${session}:`, '#{window_width}x#{window_height}']).then((s) => s.trim());
  // The pty only: the test's own renderer at 10^8 cells would choke this process.
  guest.proc.resize(10000, 10000);
  await waitFor(`the guest's client at ${MAX_GUEST_COLS}x${MAX_GUEST_ROWS}`, async () => (await readOnlySizes(tmux)).includes(`${MAX_GUEST_COLS}x${MAX_GUEST_ROWS}`));
  const [cols, rows] = (await windowSize()).split('x').map(Number);
  assert.ok(cols <= MAX_GUEST_COLS && rows <= MAX_GUEST_ROWS, `the window is ${cols}x${rows}`);
  guest.proc.resize(10000, 40);
  await waitFor(`the guest's client at ${MAX_GUEST_COLS}x40`, async () => (await readOnlySizes(tmux)).includes(`${MAX_GUEST_COLS}x40`));
  guest.resize(120, 40);
  await waitFor("the guest's client at 120x40", async () => (await readOnlySizes(tmux)).includes('120x40'));
}
