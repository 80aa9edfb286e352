// The privacy curtain from the command line and from the host's own terminal, with the real CLI
// (dist/cli.js): `guest-broadcast pause --message` in another terminal lowers it for a real
// OpenSSH guest, `status` (human and --json) says so, the serving `host` process is told (the
// nudge) and prints it, resume lifts it; tmux's prefix then B in the host's terminal does the
// same; a stop behind the curtain tells guests the broadcast ended without showing the session;
// bad input and no broadcast get errors that say what to do.
import assert from 'node:assert/strict';
import { ENDED_MESSAGE } from '../../src/host/broadcast';
import { DEFAULT_CURTAIN_MESSAGE } from '../../src/host/curtain/curtainProgram';
import { boundedTest as test, opensshClient, runClient } from '../helpers/embeddedFixture';
import { PtyClient } from '../helpers/ptyClient';
import { waitFor } from '../helpers/screen';
import { TEST_SHELL } from '../helpers/tmuxFixture';
import { CLI, cliWorld } from '../helpers/cliProcess';

const { sock, stateDir, env, cleanups, cli } = cliWorld('gb-curtain-cli-');
const S = ['--socket', sock.socketPath];

function host(): PtyClient {
  const p = new PtyClient(['node', CLI, 'host', ...S, '--state-dir', stateDir, '--command', TEST_SHELL, '--tmux-config', '/dev/null', '--listen', '127.0.0.1:0'], { cols: 160, rows: 40, env });
  cleanups.push(() => p.kill());
  return p;
}

async function typeOnHost(text: string): Promise<void> {
  await runClient(['tmux', '-S', sock.socketPath, 'send-keys', '-t', 'broadcast', text, 'Enter']);
}

async function statusJson(): Promise<{ paused: boolean; pauseMessage: string | null; broadcasting: boolean }> {
  const r = await cli(['status', '--json', ...S]);
  return JSON.parse(r.stdout) as { paused: boolean; pauseMessage: string | null; broadcasting: boolean };
}

test('pause and resume from another terminal and with prefix B; status says paused; a stop behind the curtain shows no session', async () => {
  const none = await cli(['pause', ...S]);
  assert.equal(none.code, 1, 'no broadcast: a failure');
  assert.match(none.stderr, /No broadcast is running on .*: nothing to pause or resume\. Start one with: guest-broadcast host/);

  const h = host();
  await h.waitForText('Press Ctrl-C to stop the broadcast.');
  assert.match((await h.lines()).join('\n'), /Privacy curtain: +guest-broadcast pause \/ resume \(or tmux's prefix, then B, in the broadcast's terminal\)/);
  const port = Number(/ssh -p (\d+) guest@127\.0\.0\.1/.exec(h.output)?.[1]);
  await typeOnHost('echo before-$((6*7))');
  const guest = opensshClient(port, { user: 'ana', cols: 90, rows: 26 });
  cleanups.push(() => guest.kill());
  await guest.waitForText('before-42');
  assert.equal((await statusJson()).paused, false);

  const bad = await cli(['pause', ...S, '--message', 'line one\nline two']);
  assert.equal(bad.code, 2, 'a message that is not one line is a usage error');
  assert.match(bad.stderr, /--message: The curtain message must be one line of plain text/);
  assert.equal((await statusJson()).paused, false, 'a refused pause changes nothing');

  const paused = await cli(['pause', ...S, '--message', 'Coffee break: back at ten past']);
  assert.equal(paused.code, 0, paused.stderr);
  assert.match(paused.stdout, /Paused: guests see the curtain, not the session\. Clear what should stay private, then: guest-broadcast resume/);
  await guest.waitForText('Coffee break: back at ten past');
  await h.waitForText('paused: guests see the curtain ("Coffee break: back at ten past"), not the session');
  await typeOnHost('echo HIDDEN-$((1000+1))');
  assert.equal((await statusJson()).paused, true);
  assert.equal((await statusJson()).pauseMessage, 'Coffee break: back at ten past', 'status --json has the line guests read');
  assert.match((await cli(['status', ...S])).stdout, /Paused: guests see the curtain \("Coffee break: back at ten past"\), not the session/);

  const again = await cli(['pause', ...S, '--message', 'Still coffee']);
  assert.match(again.stdout, /Still paused; the curtain shows the new message/);
  await guest.waitForText('Still coffee');

  await typeOnHost('clear');
  const resumed = await cli(['resume', ...S]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /Resumed: guests see the session again/);
  await h.waitForText('resumed: guests see the session again');
  await typeOnHost('echo after-$((50+5))');
  await guest.waitForText('after-55');
  assert.match((await cli(['resume', ...S])).stdout, /Not paused: guests already see the session/);

  // The host's own terminal: tmux's prefix (C-b), then B.
  const attach = /Attach as the host \(read-write\): +(.+)$/m.exec((await h.lines()).join('\n'))?.[1]?.trim().split(/\s+/) ?? [];
  const own = new PtyClient(attach, { cols: 100, rows: 30 });
  cleanups.push(() => own.kill());
  await own.waitForText('after-55');
  own.type('\x02B');
  await guest.waitForText(DEFAULT_CURTAIN_MESSAGE.slice(0, 30));
  await waitFor('status to say paused', async () => (await statusJson()).paused);
  await own.waitForText('Guest Broadcast: paused');
  await typeOnHost('echo HIDDEN-$((2000+2))');
  await waitFor('the host to see it', async () => (await own.lines()).join('\n').includes('HIDDEN-2002'));

  // A stop behind the curtain first says goodbye through the curtain programs (the server lives a
  // moment longer): a guest who connects in that moment is locked too (the state a stop sets first).
  await runClient(['tmux', '-S', sock.socketPath, 'set-option', '-g', '@paused', 'ending']);
  // Another size than the other guest's: a new tmux client attaches (the same size would share its locked one).
  const racer = opensshClient(port, { user: 'racer', cols: 70, rows: 20 });
  cleanups.push(() => racer.kill());
  await racer.waitForText(ENDED_MESSAGE, 30_000);
  assert.ok(!racer.output.includes('HIDDEN-'), `a guest joining during the stop received the session: ${JSON.stringify(racer.output.slice(-400))}`);
  const notResumed = await cli(['resume', ...S]);
  assert.match(notResumed.stdout + notResumed.stderr, /stopping|Resumed|still/i);
  assert.ok(!racer.output.includes('HIDDEN-'), 'resume during a stop does not lift the curtain');

  // Stopped behind the curtain: the guest is told, and never shown the session.
  const stopped = await cli(['stop', ...S]);
  assert.equal(stopped.code, 0, stopped.stderr);
  await guest.waitForText(ENDED_MESSAGE);
  await guest.waitForExit();
  assert.ok(!guest.output.includes('HIDDEN-'), `the guest received what was typed behind the curtain: ${JSON.stringify(guest.output.slice(-400))}`);
  await racer.waitForExit();
  assert.ok(!racer.output.includes('HIDDEN-'), 'the guest who joined during the stop never saw the session');
}, { timeoutMs: 150_000 });
