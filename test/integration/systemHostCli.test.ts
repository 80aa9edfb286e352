// `guest-broadcast host --mode system` with the real CLI and a real sshd guest: it serves in the
// foreground like the embedded mode (it used to exit right after its banner), reports guests
// joining and leaving from tmux's read-only clients, and on SIGTERM tells guests the broadcast
// ended and removes the server. `status` shows no bogus guest address for the system mode.
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { ENDED_MESSAGE } from '../../src/host/messages';
import { CliProcess } from '../helpers/cliProcess';
import { runClient } from '../helpers/embeddedFixture';
import { CLI } from '../helpers/cliProcess';
import { isRoot, PtyClient } from '../helpers/ptyClient';
import { RunningSshd, startSshd } from '../helpers/sshd';
import { tempSocket, TEST_SHELL, typeLine } from '../helpers/tmuxFixture';

const skip = isRoot ? false : 'needs root (sshd, the guest account)';
const sock = tempSocket('gb-syscli-');
let sshd: RunningSshd | undefined;
const cleanups: Array<() => void> = [];

before(async () => {
  if (!isRoot) return;
  chmodSync(sock.dir, 0o711); // the guest must traverse the temp folder to reach the socket
  sshd = await startSshd({ guestUser: 'guest', socketPath: sock.socketPath, sessionName: 'broadcast' });
});

after(async () => {
  for (const c of cleanups) c();
  await sshd?.stop();
  await sock.cleanup();
});

function sshGuest(port: number): PtyClient {
  const g = new PtyClient(['ssh', '-F', '/dev/null', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-p', String(port), 'guest@127.0.0.1'], { cols: 100, rows: 30 });
  cleanups.push(() => g.kill());
  return g;
}

test('host --mode system stays in the foreground, reports a guest joining and leaving, and SIGTERM ends it with the guest told', { skip, timeout: 90_000 }, async () => {
  assert.ok(sshd);
  const host = new CliProcess(['host', '--mode', 'system', '--socket', sock.socketPath, '--guest-user', 'guest', '--ssh-port', String(sshd.port), '--command', TEST_SHELL, '--tmux-config', '/dev/null']);
  cleanups.push(() => host.kill());
  await host.waitForOutput('Press Ctrl-C to stop the broadcast.');
  assert.match(host.stdout, new RegExp(`Guests watch with: +ssh -p ${sshd.port} guest@`));
  await typeLine(sock.tmux, 'broadcast', 'echo served-by-system-host');

  const first = sshGuest(sshd.port);
  await first.waitForText('served-by-system-host');
  // Only a process still serving can say so.
  await host.waitForOutput(/guest started watching \(\S+\)/);
  await host.waitForOutput('1 viewer');
  assert.equal(host.exit, undefined, host.output);

  // status from another process: the system mode has no guest address of its own to show.
  const json = JSON.parse((await runClient(['node', CLI, 'status', '--json', '--socket', sock.socketPath])).stdout) as { listen: string | null; mode: string; viewers: unknown[] };
  assert.equal(json.mode, 'system');
  assert.equal(json.listen, null);
  const human = (await runClient(['node', CLI, 'status', '--socket', sock.socketPath])).stdout;
  assert.doesNotMatch(human, /Guests connect to/);
  assert.doesNotMatch(human, /''/);
  assert.match(human, new RegExp(`Watch with: ssh -p ${sshd.port} guest@`));

  first.kill();
  await host.waitForOutput(/guest \(\S+\) stopped watching/);

  const second = sshGuest(sshd.port);
  await second.waitForText('served-by-system-host');
  await host.waitForOutput(/(guest started watching[^\n]*\n[^]*){2}/);
  host.signal('SIGTERM');
  await second.waitForText(ENDED_MESSAGE);
  assert.equal(await host.waitForExit(), 0, host.output);
  assert.match(host.stdout, /SIGTERM: stopping the broadcast/);
  assert.match(host.stdout, /The broadcast has ended; every guest was told\./);
  assert.equal(await sock.tmux.serverPid(), undefined);
});
