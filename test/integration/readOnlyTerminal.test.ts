// The fan-out's read-only rule (src/host/fanout/readOnlyTerminal.ts): what a size group holds is
// a ReadOnlyTerminal, which has no way to write, by type (the @ts-expect-error below stops
// compiling the day one is added) and at run time (nothing but the four members reach it), and
// the tmux client it stands for is a read-only one.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createBroadcastSession } from '../../src/tmux/broadcastSession';
import { listClients } from '../../src/tmux/clients';
import { ReadOnlyTerminal, spawnReadOnlyClient } from '../../src/host/fanout/readOnlyTerminal';
import { waitFor } from '../helpers/screen';
import { tempSocket, TEST_SHELL } from '../helpers/tmuxFixture';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const sock = tempSocket('gb-rot-');
after(() => sock.cleanup());

/** Only compiles while ReadOnlyTerminal has no write(). */
function cannotWrite(terminal: ReadOnlyTerminal): void {
  // @ts-expect-error a read-only terminal has no write(): nothing holding one can type into tmux
  void terminal.write;
}

test('a size group\'s terminal is a read-only tmux client with nothing that writes', async () => {
  mkdirSync(dirname(sock.socketPath), { recursive: true, mode: 0o700 });
  await createBroadcastSession(sock.tmux, { sessionName: 'broadcast', command: TEST_SHELL, configFile: '/dev/null', markers: { session: 'broadcast' } });
  const terminal = spawnReadOnlyClient({ tmux: sock.tmux, sessionName: 'broadcast', term: 'xterm-256color', cols: 80, rows: 24 });
  cannotWrite(terminal);
  try {
    assert.deepEqual(Object.keys(terminal).sort(), ['kill', 'onData', 'onExit', 'pid']);
    assert.equal('write' in terminal, false);
    const client = await waitFor('the client to attach', async () => (await listClients(sock.tmux)).find((c) => c.pid === terminal.pid));
    assert.equal(client?.readOnly, true, 'attached with -r');
  } finally {
    terminal.kill();
  }
});
