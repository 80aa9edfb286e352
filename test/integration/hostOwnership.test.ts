// Only the one process that owns a broadcast may end it. The steps with the real CLI: a
// second `host` on a broadcast whose owner is alive (on another port, as the old port-in-use
// message advised) must refuse without touching it, and SIGTERM to that second process must not
// end the host's tmux server, its shell, or the first host's serving. A broadcast whose owner
// was killed (SIGKILL: no chance to stop) is still adopted, and then owned by the adopter.
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { boundedTest as test, opensshClient } from '../helpers/embeddedFixture';
import { CliProcess } from '../helpers/cliProcess';
import { PtyClient } from '../helpers/ptyClient';
import { processExists } from '../../src/processExists';
import { Broadcast } from '../../src/host/broadcast';
import { adoptableBroadcast } from '../../src/ui/adoptable';
import type { HostSettings } from '../../src/ui/settings';
import { hostOptions } from '../../src/host/options/parse';
import { waitFor } from '../helpers/wait';
import { tempSocket, TEST_SHELL, typeLine } from '../helpers/tmuxFixture';
import { join } from 'node:path';
import { SystemSshRoute } from '../../src/host/routes/systemSshRoute';

const sock = tempSocket('gb-owner-');
const env = { XDG_CONFIG_HOME: join(sock.dir, 'config'), XDG_RUNTIME_DIR: sock.dir };
const cleanups: Array<() => void | Promise<void>> = [];
after(async () => {
  for (const c of cleanups) await c();
  await sock.cleanup();
});

function host(extra: string[] = []): CliProcess {
  const p = new CliProcess(['host', '--socket', sock.socketPath, '--state-dir', join(sock.dir, 'state'), '--command', TEST_SHELL, '--tmux-config', '/dev/null', '--listen', '127.0.0.1:0', ...extra], env);
  cleanups.push(() => p.kill());
  return p;
}

function guestPort(p: CliProcess): number {
  const port = Number(/ssh -p (\d+) guest@127\.0\.0\.1/.exec(p.stdout)?.[1]);
  assert.ok(port > 0, p.output);
  return port;
}

function guest(port: number): PtyClient {
  const g = opensshClient(port, { user: 'alice' });
  cleanups.push(() => g.kill());
  return g;
}

/** The PID of the shell running in the host's pane. */
async function paneShellPid(): Promise<number> {
  return Number((await sock.tmux.run(['display-message', '-p', '-t', 'broadcast', '#{pane_pid}'])).trim());
}

test('a second host on a live broadcast refuses and names its owner; SIGTERM to it leaves the host shell, tmux and the first host serving', async () => {
  const first = host();
  await first.waitForOutput('Press Ctrl-C to stop the broadcast.');
  const port = guestPort(first);
  const tmuxPid = await sock.tmux.serverPid();
  const shellPid = await paneShellPid();
  await typeLine(sock.tmux, 'broadcast', 'echo work-in-progress');

  // The steps: another `host` on the same broadcast, on another port.
  const second = host();
  // Before the fix it adopted and served; either way, it gets SIGTERM once it settled.
  await second.waitForOutput(/Press Ctrl-C|already served/);
  second.signal('SIGTERM');
  const code = await second.waitForExit();
  assert.notEqual(code, 0, second.output);
  assert.match(second.stderr, new RegExp(`already served by process ${first.pid}`));
  assert.match(second.stderr, new RegExp(`Guests watch with: +ssh -p ${port} guest@127\\.0\\.0\\.1`));
  assert.match(second.stderr, new RegExp(`guest-broadcast stop --socket ${sock.socketPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(second.stderr, /nothing was changed/);
  assert.doesNotMatch(second.stdout, /Press Ctrl-C/);

  // Nothing of the host's was touched.
  assert.equal(await sock.tmux.serverPid(), tmuxPid);
  assert.ok(processExists(shellPid), "the host's shell was killed");
  assert.equal(first.exit, undefined, first.output);
  assert.doesNotMatch(first.stdout, /The broadcast ended/);
  // The first host still serves its guests, and still owns the broadcast.
  const g = guest(port);
  await g.waitForText('work-in-progress');
  await first.waitForOutput('alice started watching');
  first.signal('SIGTERM');
  assert.equal(await first.waitForExit(), 0, first.output);
  assert.equal(await sock.tmux.serverPid(), undefined);
});

test('a broadcast whose owner was SIGKILLed is adopted by one next host (two racing: one wins), which then owns it', async () => {
  const first = host();
  await first.waitForOutput('Press Ctrl-C to stop the broadcast.');
  const tmuxPid = await sock.tmux.serverPid();
  const shellPid = await paneShellPid();
  await typeLine(sock.tmux, 'broadcast', 'echo still-here');
  first.signal('SIGKILL');
  await first.waitForExit();

  // Two hosts adopt at once: exactly one wins, the other is refused and names the winner.
  const racers = [host(), host()];
  await Promise.all(racers.map((r) => r.waitForOutput(/Press Ctrl-C|already served/)));
  const second = racers.find((r) => r.stdout.includes('Press Ctrl-C'));
  const loser = racers.find((r) => r !== second);
  assert.ok(second && loser, racers.map((r) => r.output).join('\n---\n'));
  assert.notEqual(await loser.waitForExit(), 0, loser.output);
  assert.match(loser.stderr, new RegExp(`already served by process ${second.pid}`));
  assert.match(second.stdout, /was left running by a process that is gone; serving it now/);
  assert.equal(await sock.tmux.serverPid(), tmuxPid);
  assert.ok(processExists(shellPid));
  const g = guest(guestPort(second));
  await g.waitForText('still-here');
  assert.equal(await sock.tmux.userOption('server-pid'), String(second.pid));

  // A third host is now refused on the adopter's behalf.
  const third = host();
  assert.notEqual(await third.waitForExit(), 0);
  assert.match(third.stderr, new RegExp(`already served by process ${second.pid}`));

  second.signal('SIGTERM');
  assert.equal(await second.waitForExit(), 0, second.output);
  assert.equal(await sock.tmux.serverPid(), undefined);
});

test('system mode has an owner too: a second host is refused while it serves, and adopts once the owner let go (a VS Code window closing)', async () => {
  const system = tempSocket('gb-owner-sys-');
  cleanups.push(() => system.cleanup());
  // This test process plays the VS Code window that serves the broadcast.
  const served = await Broadcast.start({ routes: [new SystemSshRoute({ guestUser: 'nobody' })], socketPath: system.socketPath, sessionName: 'broadcast', command: TEST_SHELL, configFile: '/dev/null' });
  const tmuxPid = await system.tmux.serverPid();
  const args = ['host', '--mode', 'system', '--socket', system.socketPath, '--guest-user', 'nobody', '--command', TEST_SHELL, '--tmux-config', '/dev/null'];
  const refused = new CliProcess(args, env);
  cleanups.push(() => refused.kill());
  assert.notEqual(await refused.waitForExit(), 0, refused.output);
  assert.match(refused.stderr, new RegExp(`already served by process ${process.pid}`));
  assert.match(refused.stderr, /Guests watch with: +ssh nobody@/);
  assert.equal(await system.tmux.serverPid(), tmuxPid);

  // The window closes (reload): it stops following and hands the broadcast on.
  served.detach();
  await waitFor('the owner marker cleared', async () => (await system.tmux.userOption('server-pid')) === undefined);
  const adopter = new CliProcess(args, env);
  cleanups.push(() => adopter.kill());
  await adopter.waitForOutput('Press Ctrl-C to stop the broadcast.');
  assert.match(adopter.stdout, /serving it now/);
  assert.equal(await system.tmux.serverPid(), tmuxPid);
  // A VS Code window activating now leaves it to the CLI that serves it.
  const windowSettings: HostSettings = { ...hostOptions({ mode: 'system', socketPath: system.socketPath, guestUser: 'nobody' }), notifyOnJoin: true };
  const found = await adoptableBroadcast(windowSettings);
  assert.equal(found.kind, 'servedElsewhere');
  assert.equal(found.kind === 'servedElsewhere' ? found.pid : undefined, adopter.pid);
  adopter.signal('SIGTERM');
  assert.equal(await adopter.waitForExit(), 0, adopter.output);
  assert.equal(await system.tmux.serverPid(), undefined);
});
