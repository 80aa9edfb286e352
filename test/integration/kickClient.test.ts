// Kicking a viewer touches nothing global: the farewell runs through the host's own shell, so
// the server's default-shell (what the host's next window starts) stays the host's value while
// many kicks run at once, some of clients already gone (the old kick set /bin/sh around each
// detach, and a kick that failed midway left it for a concurrent one to "restore").
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { Broadcast, KICKED_MESSAGE } from '../../src/host/broadcast';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { farewellCommand, kickClient, listClients } from '../../src/tmux/clients';
import { guestAttachArgv } from '../../src/tmux/attach';
import { boundedTest as test } from '../helpers/embeddedFixture';
import { PtyClient } from '../helpers/ptyClient';
import { waitFor } from '../helpers/wait';
import { tempSocket, TEST_SHELL } from '../helpers/tmuxFixture';
import { SystemSshRoute } from '../../src/host/routes/systemSshRoute';

const sock = tempSocket('gb-kick-');
const clients: PtyClient[] = [];
after(async () => {
  for (const c of clients) c.kill();
  await sock.cleanup();
});

// A host shell that is not /bin/sh, set the way a host's ~/.tmux.conf would.
const HOST_SHELL = '/bin/bash';

test("concurrent kicks leave the host's default-shell alone, and every kicked viewer reads the message", async () => {
  const broadcast = await Broadcast.start({ routes: [new SystemSshRoute({ guestUser: 'nobody' })], socketPath: sock.socketPath, sessionName: 'broadcast', command: TEST_SHELL, configFile: '/dev/null', pollIntervalMs: 60_000 });
  await sock.tmux.run(['set-option', '-g', 'default-shell', HOST_SHELL]);
  const shellNow = async (): Promise<string> => (await sock.tmux.run(['show-options', '-gv', 'default-shell'])).trim();
  const seen = new Set<string>();

  for (let round = 0; round < 4; round++) {
    const viewers = Array.from({ length: 4 }, () => new PtyClient(guestAttachArgv({ socketPath: sock.socketPath, sessionName: 'broadcast' }), { cols: 80, rows: 24 }));
    clients.push(...viewers);
    const names = await waitFor('four read-only viewers', async () => {
      const readOnly = (await listClients(sock.tmux)).filter((c) => c.readOnly);
      return readOnly.length === 4 ? readOnly.map((c) => c.name) : undefined;
    }) ?? [];
    // Every viewer kicked twice at once, and names that are already gone, while the option is
    // read over and over from another client.
    let kicking = true;
    const sampler = (async () => {
      for (let i = 0; i < 200 && kicking; i++) seen.add(await shellNow());
    })();
    await Promise.all([...names, ...names, '/dev/pts/gone-1', '/dev/pts/gone-2'].map((name) => kickClient(sock.tmux, name, KICKED_MESSAGE).catch(() => undefined)));
    kicking = false;
    await sampler;
    seen.add(await shellNow());
    for (const v of viewers) {
      await v.waitForText(KICKED_MESSAGE);
      await v.waitForExit();
    }
  }
  assert.deepEqual([...seen], [HOST_SHELL]);
  // The next window the host opens gets the host's shell.
  await sock.tmux.run(['new-window', '-d', '-t', 'broadcast']);
  const started = (await sock.tmux.run(['list-panes', '-s', '-t', 'broadcast', '-F', '#{pane_start_command}#{pane_current_command}'])).trim().split('\n');
  assert.ok(started.some((line) => line.includes('bash')), started.join(' | '));
  await broadcast.stop();
});

test('the farewell command prints the same line in every shell here, quotes and backslashes included', async () => {
  const message = `Guest Broadcast: it's over \\ "bye" $HOME %s`;
  const command = farewellCommand(message);
  const shells = ['/bin/sh', '/bin/bash', '/bin/dash', '/usr/bin/zsh', '/usr/bin/fish', '/bin/ksh', '/usr/bin/tcsh'].filter((s) => existsSync(s));
  assert.ok(shells.length >= 2, shells.join(' '));
  for (const shell of shells) {
    const out = execFileSync(shell, ['-c', command], { encoding: 'utf8' });
    assert.equal(out, `\r\nGuest Broadcast: it"s over / "bye" $HOME %s\r\n`, `${shell}: ${JSON.stringify(out)}`);
  }
});
