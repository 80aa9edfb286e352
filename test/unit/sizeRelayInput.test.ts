// System mode's read-only guarantee (src/host/guestAccount/sizeRelay.ts): the size relay reads
// everything a guest sends and writes none of it to its client's pty. The client here is a
// stand-in for tmux that records what reaches its terminal, once the relay has read the guest's
// last byte.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RELAY_DROPS_INPUT, sizeRelaySource } from '../../src/host/guestAccount/sizeRelay';

// What a hostile guest types (a command, tmux's prefix with session switches and the command
// prompt, Ctrl-C, Ctrl-D), then a long paste: a relay that stopped reading would stall the
// guest's ssh session, so all of it must be read.
const TYPED = 'echo typed-by-guest\r\x02)\x02(\x02:switch-client -t second\r\x03\x04' + 'x'.repeat(1024 * 1024) + '\r';

test('size relay: every byte the guest sends is read, and none reaches the client', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gb-relay-input-'));
  try {
    const relay = join(dir, 'relay');
    const input = join(dir, 'typed');
    const record = join(dir, 'reached-client');
    const status = join(dir, 'drained');
    writeFileSync(relay, sizeRelaySource());
    writeFileSync(input, TYPED);
    // The stand-in client: it waits (bounded) until the relay, its parent, has read the whole
    // input file (the file offset of the relay's stdin), then records what its terminal holds:
    // without canonical mode, read returns what is queued, or nothing after 0.5 s.
    const client = [
      'i=0',
      `while [ "$(sed -n 's/^pos:[[:space:]]*//p' /proc/$PPID/fdinfo/0)" != ${Buffer.byteLength(TYPED)} ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done`,
      `if [ $i -lt 200 ]; then echo all-read > ${status}; else echo stuck > ${status}; fi`,
      'stty -icanon -echo min 0 time 5',
      `cat > ${record}`,
    ].join('\n');
    const stdin = openSync(input, 'r');
    let ran;
    try {
      ran = spawnSync('perl', ['-x', relay, '80', '24', '/bin/sh', '-c', client], { stdio: [stdin, 'pipe', 'pipe'], encoding: 'utf8', timeout: 60_000 });
    } finally {
      closeSync(stdin);
    }
    assert.equal(ran.status, 0, `${ran.error ?? ''}${ran.stdout}${ran.stderr}`);
    assert.equal(readFileSync(status, 'utf8').trim(), 'all-read', 'the relay stopped reading what the guest sent');
    assert.equal(readFileSync(record, 'utf8'), '', "the guest's bytes reached its client");
    assert.ok(!ran.stdout.includes('typed-by-guest'), `the guest's bytes came back to it:\n${ran.stdout.slice(0, 500)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('size relay: the doctor\'s mark of a relay that drops input is in the relay', () => {
  assert.ok(sizeRelaySource().includes(`\n    ${RELAY_DROPS_INPUT}\n`));
  assert.ok(!/write_all\(\$master/.test(sizeRelaySource()), 'the relay writes to the client\'s pty');
});
