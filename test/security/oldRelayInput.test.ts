// A system-mode setup made before the size relay dropped guest input keeps its old relay (one
// that writes the guest's keys to its read-only tmux client) until the setup runs again: the
// doctor says so, as it does for a relay older than the guests' output rule (hostOutput.test.ts).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { runDoctor } from '../../src/host/guestAccount/doctor';
import { RELAY_DROPS_INPUT } from '../../src/host/guestAccount/sizeRelay';
import { startMode } from '../helpers/broadcastModes';
import { boundedTest } from '../helpers/embeddedFixture';
import { isRoot } from '../helpers/ptyClient';

boundedTest('system: the doctor warns about a forced command whose size relay passes guests\' keys to their tmux client', async () => {
  const fx = await startMode('system', {});
  try {
    const setup = fx.sshd!.setup;
    const check = async (): Promise<{ status: string; detail: string } | undefined> => (await runDoctor({ ...setup })).checks.find((c) => c.id === 'wrapper');
    assert.equal((await check())?.status, 'ok');
    // The relay as it was: what the guest typed written to the client's pty.
    const current = readFileSync(setup.wrapperPath, 'utf8');
    assert.ok(current.includes(RELAY_DROPS_INPUT), 'the setup wrote a relay that drops input');
    writeFileSync(setup.wrapperPath, current.replace(RELAY_DROPS_INPUT, 'else { write_all($master, $buffer); }'));
    const old = await check();
    assert.equal(old?.status, 'warn', JSON.stringify(old));
    assert.match(old?.detail ?? '', /older setup that passes guests' keys to their read-only tmux client/);
  } finally {
    await fx.cleanup();
  }
}, { timeoutMs: 120_000, skip: !isRoot ? 'needs root (sshd and the guest account)' : false });
