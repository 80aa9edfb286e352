// Fan-out in the embedded server, on real parts: viewers of one size share one read-only tmux
// client, and whatever way a viewer gets its bytes (from the start, joining late, recovering from
// a stall, moving between sizes), its rendered screen is the one a tmux client of its size shows.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KICKED_MESSAGE } from '../../src/host/broadcast';
import { guestAttachArgv } from '../../src/tmux/attach';
import { listClients } from '../../src/tmux/clients';
import { EmbeddedFixture, opensshClient, Ssh2Guest, startEmbedded, boundedTest, useCleanups } from '../helpers/embeddedFixture';
import { PtyClient } from '../helpers/ptyClient';
import { waitFor } from '../helpers/screen';
import { typeLine } from '../helpers/tmuxFixture';

const test = boundedTest;

const { list: cleanups, track } = useCleanups();

async function fixture(options: Parameters<typeof startEmbedded>[0] = {}): Promise<EmbeddedFixture> {
  const fx = await startEmbedded({ maxConnectionsPerAddress: 50, ...options });
  cleanups.push(() => fx.cleanup());
  // The host's own client sizes the window, as in real use.
  track(new PtyClient(fx.broadcast.hostAttachArgv, { cols: 120, rows: 36 }));
  await waitFor('the host client', async () => (await listClients(fx.sock.tmux)).some((c) => !c.readOnly));
  return fx;
}

async function viewer(fx: EmbeddedFixture, cols: number, rows: number): Promise<Ssh2Guest> {
  const g = track(new Ssh2Guest());
  await g.connect(fx.port);
  await g.shell(cols, rows);
  return g;
}

/** A plain read-only tmux client of the size: what a viewer of that size must see. */
function reference(fx: EmbeddedFixture, cols: number, rows: number): PtyClient {
  return track(new PtyClient(guestAttachArgv({ socketPath: fx.sock.socketPath, sessionName: 'broadcast' }), { cols, rows }));
}

async function sameScreen(what: string, a: { lines(): Promise<string[]> }, b: { lines(): Promise<string[]> }): Promise<void> {
  let last = '';
  await waitFor(what, async () => {
    const [x, y] = [await a.lines(), await b.lines()];
    last = `${x.join('\n')}\n----- vs -----\n${y.join('\n')}`;
    return JSON.stringify(x) === JSON.stringify(y);
  }).catch((error: Error) => {
    throw new Error(`${error.message}\n${last}`);
  });
}

// Colour, scrolling (tmux's scroll region) and a moving cursor: what a snapshot must carry.
const BUSY = `for i in $(seq 1 400); do printf '\\033[1;3%dmline-%d\\033[0m tail\\n' $((i % 7)) $i; done; echo busy-done`;

test('a late joiner sees the same screen as a viewer watching from the start, through one tmux client', async () => {
  const fx = await fixture();
  await typeLine(fx.sock.tmux, 'broadcast', 'echo first-screen');
  // The host's size: tmux then scrolls with a scroll region, which the snapshot must carry.
  const early = await viewer(fx, 120, 36);
  await early.waitForText('first-screen');
  // The late one joins while the host's output streams: snapshot, then the live stream.
  await typeLine(fx.sock.tmux, 'broadcast', BUSY);
  const late = await viewer(fx, 120, 36);
  await early.waitForText('busy-done');
  await late.waitForText('busy-done');
  await sameScreen('the late joiner and the early viewer to match', late, early);
  // And afterwards, byte for byte on the same stream: still equal after more output.
  await typeLine(fx.sock.tmux, 'broadcast', 'seq 1 5; printf "\\033[7mafter\\033[0m-%d\\n" $((40+2))');
  await late.waitForText('after-42');
  await sameScreen('both after more output', late, early);
  assert.ok(late.output.includes('\x1b[?1049h'), 'the snapshot puts the viewer in the alternate screen, as tmux does');

  const ref = reference(fx, 120, 36);
  await ref.waitForText('after-42');
  await sameScreen('the viewers and a plain tmux client of their size to match', late, ref);
  const groups = fx.server.sizeGroups();
  assert.deepEqual(groups.map((g) => `${g.cols}x${g.rows}:${g.viewers}`), ['120x36:2']);
  assert.equal((await listClients(fx.sock.tmux)).filter((c) => c.readOnly && c.cols === 120).length, 2, 'the group client and the reference, not one per viewer');
});

test('a stalled viewer does not hold up the others and recovers to the right screen when it reads again', async () => {
  const fx = await fixture();
  // A full screen of colours, every cell its own: tens of kilobytes each time tmux draws it.
  let art = '';
  for (let y = 0; y < 34; y++) {
    for (let x = 0; x < 120; x++) art += `\x1b[38;5;${(x * 7 + y * 13) % 256}m\x1b[48;5;${(x * 3 + y * 11) % 256}m${String.fromCharCode(33 + ((x + y) % 90))}`;
    art += '\x1b[0m\n';
  }
  writeFileSync(join(fx.sock.dir, 'art'), art);
  const stalled = await viewer(fx, 120, 36);
  const stalledName = (await waitFor('the stalled viewer', () => fx.server.guests()[0])).name;
  const others = [await viewer(fx, 120, 36), await viewer(fx, 120, 36)];
  stalled.channel?.pause(); // never reads its channel from now on
  // ssh2's client takes up to its 2 MB SSH window before the server sees it stall. A round is
  // sent in 100 ms flood frames, each at most one screen (about 100 KB here): about 25 rounds.
  for (let round = 0; round < 100 && !fx.server.flow().find((f) => f.name === stalledName)?.drops; round++) {
    await typeLine(fx.sock.tmux, 'broadcast', `for i in 1 2 3 4 5 6 7 8; do cat ${join(fx.sock.dir, 'art')}; done; echo round-${round}`);
    for (const g of others) await g.waitForText(`round-${round}`, 20_000);
  }
  const flow = fx.server.flow().find((f) => f.name === stalledName);
  assert.ok(flow && flow.drops > 0, `the stalled viewer was dropped: ${JSON.stringify(fx.server.flow())}`);
  await typeLine(fx.sock.tmux, 'broadcast', 'clear; echo stall-over-$((3*5))');
  for (const g of others) await g.waitForText('stall-over-15');
  stalled.channel?.resume();
  await stalled.waitForText('stall-over-15', 30_000);
  await sameScreen('the recovered viewer to match the others', stalled, others[0]);
  assert.equal(fx.server.sizeGroups().length, 1);
});

/** About 9 MB of coloured lines: far more per 100 ms frame than the screen it leaves. */
const FLOOD = `seq 1 150000 | awk '{ printf "\\033[3%dmflood line %d\\033[0m with some words after it\\n", $1 % 8, $1 }'`;

test(
  'a flood reaches the viewers as frames of the screen; one joining mid-flood and the others end on the screen a tmux client of their size shows',
  async () => {
    const fx = await fixture();
    const watching = [await viewer(fx, 120, 36), await viewer(fx, 120, 36)];
    await typeLine(fx.sock.tmux, 'broadcast', 'echo before-flood');
    for (const g of watching) await g.waitForText('before-flood');
    await typeLine(fx.sock.tmux, 'broadcast', `${FLOOD}; echo flood-$((6*7))`);
    // A viewer joining while frames are being sent: its snapshot and the frames must not overlap.
    await waitFor('the flood to be sent as frames', () => (fx.server.sizeGroups()[0]?.snapshotFrames ?? 0) > 0, 30_000);
    watching.push(await viewer(fx, 120, 36));
    for (const g of watching) await g.waitForText('flood-42', 90_000);
    const ref = reference(fx, 120, 36);
    await ref.waitForText('flood-42');
    for (const g of watching) await sameScreen('a viewer and a plain tmux client of its size to match after the flood', g, ref);
    // Typing after the flood goes out as it comes again, on the same stream.
    await typeLine(fx.sock.tmux, 'broadcast', 'echo after-$((40+2))');
    for (const g of watching) await g.waitForText('after-42');
    await ref.waitForText('after-42');
    for (const g of watching) await sameScreen('and after typing', g, ref);
  },
  { timeoutMs: 180_000 },
);

test(
  'a stop in the middle of a flood still tells every viewer the broadcast ended',
  async () => {
    const fx = await fixture();
    const watching = [await viewer(fx, 120, 36), await viewer(fx, 100, 30)];
    await typeLine(fx.sock.tmux, 'broadcast', `while :; do ${FLOOD}; done`);
    await waitFor('the flood to be sent as frames', () => fx.server.sizeGroups().some((g) => g.snapshotFrames > 0), 30_000);
    await fx.broadcast.stop();
    for (const g of watching) await g.waitForText('the broadcast has ended', 30_000);
  },
  { timeoutMs: 120_000 },
);

test('viewers of different sizes each see the screen of their own size; a resize moves a viewer to its new group', async () => {
  const fx = await fixture();
  await typeLine(fx.sock.tmux, 'broadcast', BUSY);
  const sizes: Array<[number, number]> = [[60, 20], [100, 30], [132, 40]];
  const viewers = await Promise.all(sizes.map(([c, r]) => viewer(fx, c, r)));
  const refs = sizes.map(([c, r]) => reference(fx, c, r));
  await typeLine(fx.sock.tmux, 'broadcast', 'echo sized-$((6*7))');
  for (let i = 0; i < sizes.length; i++) {
    await viewers[i].waitForText('sized-42');
    await refs[i].waitForText('sized-42');
    await sameScreen(`the ${sizes[i].join('x')} viewer to match a tmux client of its size`, viewers[i], refs[i]);
  }
  assert.deepEqual(fx.server.sizeGroups().map((g) => `${g.cols}x${g.rows}`).sort(), ['100x30', '132x40', '60x20']);

  // The 60x20 viewer becomes 100x30: its old group (and tmux client) goes, it joins the other.
  viewers[0].channel?.setWindow(30, 100, 0, 0);
  viewers[0].screen?.resize(100, 30);
  await waitFor('the move', () => fx.server.sizeGroups().length === 2);
  await typeLine(fx.sock.tmux, 'broadcast', 'echo moved-$((7*7))');
  await viewers[0].waitForText('moved-49');
  await refs[1].waitForText('moved-49');
  await sameScreen('the moved viewer to match a 100x30 tmux client', viewers[0], refs[1]);
  assert.deepEqual(fx.server.sizeGroups().map((g) => `${g.cols}x${g.rows}:${g.viewers}`).sort(), ['100x30:2', '132x40:1']);
});

test('beyond the size-group cap a new size joins the nearest larger group and is told its size', async () => {
  const fx = await fixture({ maxSizeGroups: 2 });
  await typeLine(fx.sock.tmux, 'broadcast', 'echo capped-screen');
  const small = await viewer(fx, 70, 20);
  const large = await viewer(fx, 110, 32);
  await small.waitForText('capped-screen');
  const between = await viewer(fx, 90, 25);
  // It is drawn at 110x32: a terminal that size renders it whole (a smaller one clips it).
  between.screen?.resize(110, 32);
  await waitFor('the notice', () => between.output.includes('screen sizes already watch this broadcast'));
  assert.match(between.output, /2 screen sizes already watch this broadcast \(its limit\), so you see it at 110x32, not your 90x25/);
  await between.waitForText('capped-screen');
  const huge = await viewer(fx, 200, 60);
  await huge.waitForText('you see it at 110x32, not your 200x60');
  assert.deepEqual(fx.server.sizeGroups().map((g) => `${g.cols}x${g.rows}:${g.viewers}`).sort(), ['110x32:3', '70x20:1']);
  // The viewer table still says what each guest asked for.
  assert.deepEqual(fx.server.guests().map((v) => `${v.cols}x${v.rows}`).sort(), ['110x32', '200x60', '70x20', '90x25']);

  // When a group empties, a new size gets a group of its own again.
  small.end();
  await waitFor('the 70x20 group to go', () => fx.server.sizeGroups().length === 1);
  const own = await viewer(fx, 75, 22);
  await own.waitForText('capped-screen');
  assert.ok(!own.output.includes('screen sizes already watch'));
  assert.deepEqual(fx.server.sizeGroups().map((g) => `${g.cols}x${g.rows}`).sort(), ['110x32', '75x22']);
  void large;
});

test('kicking one viewer of a group ends only that viewer; the group client carries on for the others', async () => {
  const fx = await fixture();
  await typeLine(fx.sock.tmux, 'broadcast', 'echo kick-screen');
  const ssh = track(opensshClient(fx.port, { user: 'kicked', cols: 80, rows: 24 }));
  await ssh.waitForText('kick-screen');
  const stays = [await viewer(fx, 80, 24), await viewer(fx, 80, 24)];
  await waitFor('three viewers in one group', () => fx.server.sizeGroups()[0]?.viewers === 3);
  const pid = fx.server.sizeGroups()[0].pid;

  const name = fx.server.guests().find((v) => v.user === 'kicked')?.name;
  assert.ok(name);
  assert.equal(await fx.broadcast.kick(name), true);
  await ssh.waitForText(KICKED_MESSAGE);
  assert.equal(await ssh.waitForExit(), 0);
  // Its terminal is back on the normal screen with the message, as a tmux detach leaves it.
  assert.ok(!(await ssh.lines()).join('\n').includes('kick-screen'), 'the kicked viewer left the broadcast screen');

  await waitFor('two viewers', () => fx.server.guests().length === 2);
  assert.deepEqual(fx.server.sizeGroups().map((g) => `${g.viewers} ${g.pid}`), [`2 ${pid}`]);
  await typeLine(fx.sock.tmux, 'broadcast', 'echo still-$((11*3))');
  for (const g of stays) await g.waitForText('still-33');
  for (const g of stays) assert.equal(g.closed, false);
});
