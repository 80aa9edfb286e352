// Security, relay route ("relay: …"): a hostile NATS client that may publish anything under the
// broadcast's prefix (gb.b.<id>.…) and make any request there. The host subscribes to nothing
// that can become tmux input (host/relay/relayRoute.ts), so whatever it sends, the host's pane,
// window, options, keys, hooks, environment and buffers stay as they were, sizes it asks for are
// clamped and the number of sizes capped, and a bystander watching the host keeps watching.
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import { listClients } from '../../src/tmux/clients';
import { MAX_COLS, MAX_ROWS } from '../../src/wire/terminalSizeLimits';
import { encodeControl, encodeFrame, subjects } from '../../src/wire/relayProtocol';
import { boundedTest } from '../helpers/embeddedFixture';
import { relayWorld, RelayWorld } from '../helpers/relayWorld';
import { waitFor } from '../helpers/screen';
import { capturePane, typeLine, windowSize } from '../helpers/tmuxFixture';

const PAYLOAD = 'echo PWNED-$((6*7))';

const lines = (out: string): string[] => out.split('\n').filter(Boolean);

/** What a guest's command could change on the host (as hostileHarness.ts reads it). */
async function hostState(world: RelayWorld): Promise<Record<string, unknown>> {
  const tmux = world.sock.tmux;
  const run = async (args: string[]): Promise<string[]> => lines(await tmux.run(args));
  const options: string[] = [];
  for (const scope of [['-s'], ['-g'], ['-gw'], ['-t', 'broadcast'], ['-w', '-t', 'broadcast'], ['-p', '-t', 'broadcast']]) {
    // @viewers and @relay-watch follow relays' presence (the viewer list, not tmux's state).
    options.push(...(await run(['show-options', ...scope])).filter((l) => !/^@(viewers|relay-watch) /.test(l)).map((l) => `${scope.join(' ')}: ${l}`));
  }
  return {
    size: await windowSize(tmux, 'broadcast'),
    sessions: await tmux.sessionNames(),
    windows: await run(['list-windows', '-a', '-F', '#{session_name}:#{window_index} #{window_id} #{window_layout} #{window_active}']),
    panes: await run(['list-panes', '-a', '-F', '#{pane_id} #{pane_pid} #{pane_dead} #{pane_in_mode}']),
    writable: (await listClients(tmux)).filter((c) => !c.readOnly).map((c) => c.pid),
    options,
    hooks: await run(['show-hooks', '-g']),
    keys: await run(['list-keys']),
    environment: [...(await run(['show-environment', '-g'])), ...(await run(['show-environment', '-t', 'broadcast']))],
    buffers: await run(['list-buffers', '-F', '#{buffer_name} #{buffer_size}']),
  };
}

boundedTest('relay: a hostile NATS client publishing on every subject under the prefix and making every request changes nothing on the host', async () => {
  const world = await relayWorld();
  try {
    // The bystander watches over the host's own SSH route: what relays' guests see is only as
    // trustworthy as who may publish under the prefix (NATS permissions; README), but the HOST's
    // state must hold whatever anyone publishes.
    await world.startRelay();
    const bystander = world.direct();
    await typeLine(world.sock.tmux, 'broadcast', 'clear');
    await typeLine(world.sock.tmux, 'broadcast', 'echo bystander-ready');
    await bystander.waitForText('bystander-ready', 20_000);
    const before = await hostState(world);

    const nc = await connect({ servers: world.nats.url });
    try {
      const id = world.id;
      const texts = [
        `${PAYLOAD}\r`,
        JSON.stringify({ type: 'input', data: `${PAYLOAD}\r` }),
        JSON.stringify({ v: 1, relay: 'evil', cols: 100000, rows: -5, term: `../../x\n${PAYLOAD}` }),
        JSON.stringify({ v: 1, relay: 'evil', group: 'g1', keys: `${PAYLOAD}\r` }),
        JSON.stringify({ v: 1, relay: 'evil', groups: ['g1', 'g2'], input: `${PAYLOAD}\r` }),
        JSON.stringify({ v: 1, relay: 'evil', ssh: 'evil:22', guests: [{ name: `${PAYLOAD}\r`, user: '\x1b]52;c;cHduZWQ=\x07', cols: 1e9, rows: 1e9 }] }),
        JSON.stringify({ message: `${PAYLOAD}\r`, ended: true }),
      ];
      const tails = ['open', 'snap', 'lease', 'presence', 'ended', 'g.g1', 'g.g2', 'input', 'keys', 'send-keys', 'resize', 'kick', 'x.y.z'];
      const every = [subjects.prefix(id), ...tails.map((t) => `${subjects.prefix(id)}.${t}`)];
      for (const subject of every) {
        for (const text of texts) nc.publish(subject, Buffer.from(text));
        nc.publish(subject, encodeFrame('bytes', 1, Buffer.from(`${PAYLOAD}\r`)));
        nc.publish(subject, Buffer.alloc(70_000, 0x41));
      }
      // Requests, answered or not: every one gets nothing that reaches tmux.
      const ask = async (subject: string, body: object | Buffer): Promise<string> => {
        const data = Buffer.isBuffer(body) ? body : encodeControl(body);
        return nc.request(subject, data, { timeout: 2000 }).then((m: { string(): string }) => m.string(), (e: Error) => `no answer: ${e.message}`);
      };
      const huge = await ask(subjects.open(id), { relay: 'evil', cols: 100000, rows: 100000, term: 'xterm-256color' });
      const hugeReply = JSON.parse(huge) as { ok: boolean; cols: number; rows: number };
      assert.equal(hugeReply.ok, true, huge);
      assert.ok(hugeReply.cols <= MAX_COLS && hugeReply.rows <= MAX_ROWS, `clamped: ${huge}`);
      // Many sizes: the broadcast's cap on sizes holds.
      for (let i = 0; i < 40; i++) await ask(subjects.open(id), { relay: `evil${i}`, cols: 20 + i, rows: 10 + i, term: 'xterm' });
      for (const body of [{ relay: 'evil', group: 'g999' }, { relay: 'evil', group: '../g1' }, Buffer.from(`${PAYLOAD}\r`)]) await ask(subjects.snap(id), body);
      await ask(subjects.lease(id), { relay: 'evil', groups: Array.from({ length: 2000 }, (_, i) => `g${i}`) });
      await ask(subjects.lease(id), { relay: 'evil', groups: ['g1'] });
      for (const tail of ['input', 'keys', 'send-keys']) await ask(`${subjects.prefix(id)}.${tail}`, Buffer.from(`${PAYLOAD}\r`));
      await nc.flush();
    } finally {
      await nc.close();
    }

    const sizes = world.route.sizeGroups();
    assert.ok(sizes.length <= 16, `at most --max-size-groups sizes (got ${sizes.length})`);
    for (const g of sizes) assert.ok(g.cols <= MAX_COLS && g.rows <= MAX_ROWS, `clamped ${g.cols}x${g.rows}`);
    assert.ok(world.route.relayGroups().length <= 16, `relay groups capped (got ${world.route.relayGroups().length})`);

    // The canary: the host types a line; it runs alone and the bystander sees it live.
    await typeLine(world.sock.tmux, 'broadcast', 'clear');
    await typeLine(world.sock.tmux, 'broadcast', 'echo canary-$((40+2))');
    await bystander.waitForText('canary-42', 20_000);
    await waitFor('the canary alone on the host pane', async () => {
      const pane = (await capturePane(world.sock.tmux, 'broadcast')).map((l) => l.trimEnd()).filter(Boolean);
      return JSON.stringify(pane) === JSON.stringify(['host$ echo canary-$((40+2))', 'canary-42', 'host$']);
    }, 20_000).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${(await capturePane(world.sock.tmux, 'broadcast')).join('\n')}`);
    });
    assert.ok(!(await capturePane(world.sock.tmux, 'broadcast')).join('\n').includes('PWNED'));
    assert.deepEqual(await hostState(world), before);
  } finally {
    await world.cleanup();
  }
}, { timeoutMs: 120_000 });
