// The system mode shares the broadcast's socket with other users (mode 0602), so tmux's
// server-access list is all that keeps the machine's other accounts out. A third local user,
// made for this test and removed after it, must be refused by the socket whatever it asks; the
// guest account gets in, read-only, even when it leaves out -r. Needs root (useradd, runuser).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Broadcast } from '../../src/host/broadcast';
import { listClients } from '../../src/tmux/clients';
import { runClient } from '../helpers/embeddedFixture';
import { isRoot, PtyClient } from '../helpers/ptyClient';
import { waitFor } from '../helpers/wait';
import { capturePane, TEST_SHELL } from '../helpers/tmuxFixture';
import { SystemSshRoute } from '../../src/host/routes/systemSshRoute';

const skip = isRoot ? false : 'needs root';
// Short, unique names (useradd allows 32 characters).
const tag = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
const GUEST = `gbg${tag}`;
const OTHER = `gbo${tag}`;
let dir = '';
let broadcast: Broadcast | undefined;
const clients: PtyClient[] = [];

function addUser(name: string): void {
  execFileSync('useradd', ['--no-create-home', '--home-dir', '/nonexistent', '--shell', '/bin/sh', name]);
}

function removeUser(name: string): void {
  try {
    execFileSync('userdel', [name], { stdio: 'ignore' });
  } catch {
    // never made (useradd failed) or already gone
  }
}

/** argv running `tmux -S SOCKET ARGS` as `user`. */
function asUser(user: string, args: string[]): string[] {
  return ['runuser', '-u', user, '--', 'tmux', '-S', broadcast?.socketPath ?? '', ...args];
}

before(async () => {
  if (!isRoot) return;
  addUser(GUEST);
  addUser(OTHER);
  // A folder both accounts can traverse (mkdtemp makes it 0700), as /var/lib/tmux-sessions is.
  dir = mkdtempSync('/tmp/gb-sec-access-');
  chmodSync(dir, 0o711);
  broadcast = await Broadcast.start({ routes: [new SystemSshRoute({ guestUser: GUEST })], socketPath: join(dir, 'sock', 'guest'), sessionName: 'broadcast', command: TEST_SHELL, configFile: '/dev/null', pollIntervalMs: 200 });
  await broadcast.tmux.run(['send-keys', '-t', 'broadcast', 'echo host-secret-screen', 'Enter']);
});

after(async () => {
  for (const c of clients) c.kill();
  await broadcast?.stop().catch(() => undefined);
  if (dir) rmSync(dir, { recursive: true, force: true });
  removeUser(GUEST);
  removeUser(OTHER);
});

test('system: a third local user is refused by the broadcast socket; the guest account attaches read-only', { skip, timeout: 60_000 }, async () => {
  assert.ok(broadcast);
  const pane = async (): Promise<string> => (await capturePane(broadcast!.tmux, 'broadcast')).join('\n');
  await waitFor('the host screen', async () => (await pane()).includes('host-secret-screen'));

  // Every command of the third user is refused: reading, writing, attaching either way.
  for (const args of [['list-sessions'], ['capture-pane', '-p', '-t', 'broadcast'], ['send-keys', '-t', 'broadcast', 'echo other-was-here', 'Enter'], ['new-window']]) {
    // tmux 3.3a exits 0 after "access not allowed": the refusal is the message and no output.
    const r = await runClient(asUser(OTHER, args));
    assert.equal(r.stdout, '', `${OTHER} ran tmux ${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, /access not allowed|Permission denied/i, `${OTHER} ran tmux ${args.join(' ')}: ${r.stderr}`);
  }
  for (const readOnly of [[], ['-r']]) {
    const other = new PtyClient(asUser(OTHER, ['attach-session', ...readOnly, '-t', '=broadcast']), { cols: 80, rows: 24 });
    clients.push(other);
    await other.waitForExit();
    assert.match(other.output, /access not allowed|Permission denied/i);
    assert.ok(!other.output.includes('host-secret-screen'), other.output);
  }
  assert.equal((await listClients(broadcast.tmux)).length, 0);

  // The guest account gets in, read-only even without -r: its keys never reach the pane.
  const guest = new PtyClient(asUser(GUEST, ['attach-session', '-t', '=broadcast']), { cols: 80, rows: 24 });
  clients.push(guest);
  await guest.waitForText('host-secret-screen');
  const attached = await waitFor('the guest listed', async () => (await listClients(broadcast!.tmux)).find((c) => c.user === GUEST));
  assert.equal(attached?.readOnly, true);
  guest.type('echo guest-typed\r');
  // Then a host-side marker: once it shows, the guest's keys (typed before) would have too.
  await broadcast.tmux.run(['send-keys', '-t', 'broadcast', 'echo after-guest', 'Enter']);
  await waitFor('the host marker', async () => (await pane()).includes('after-guest'));
  assert.ok(!(await pane()).includes('guest-typed'), await pane());
  assert.equal((await runClient(asUser(OTHER, ['list-clients']))).stdout, '');
});
