// The recording's file and sink (src/host/recording): the curtain's marks become markers with
// nothing of the output between them, whichever way they arrive (live, queued behind a snapshot,
// before a snapshot taken behind the curtain); writes are batched and bounded; an existing file
// is kept unless forced; a full disk (/dev/full) is a clear error.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BEHIND_AT, GuestFeed, type SnapshotSource } from '../../src/host/fanout/guestFeed';
import { CastFile } from '../../src/host/recording/castFile';
import { CastRecorder, CURTAIN_DOWN_LABEL, CURTAIN_UP_LABEL } from '../../src/host/recording/castRecorder';
import { RecordingError } from '../../src/host/recording/recordingFileErrors';
import { checkRecordingTarget } from '../../src/host/recording/recordingTarget';
import { waitFor } from '../helpers/wait';

const dir = mkdtempSync(join(tmpdir(), 'gb-castrec-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (): string => join(dir, `r${++n}.cast`);

type Event = [number, string, string];
function events(path: string): { header: Record<string, unknown>; events: Event[] } {
  const [header, ...rest] = readFileSync(path, 'utf8').trimEnd().split('\n');
  return { header: JSON.parse(header) as Record<string, unknown>, events: rest.map((l) => JSON.parse(l) as Event) };
}
/** The events without their times. */
const shape = (es: Event[]): Array<[string, string]> => es.map(([, code, data]) => [code, data]);
const steps = (): (() => number) => {
  let t = 0;
  return () => (t += 10);
};
const HEADER = { cols: 40, rows: 10, term: 'xterm-256color', shell: '/bin/sh', title: 'broadcast' };
const b = (s: string): Buffer => Buffer.from(s, 'utf8');

test('the header says the size, time, title, TERM and SHELL; output, resize and marks as v2 events', async () => {
  const path = file();
  const rec = await CastRecorder.create(path, HEADER, { clock: steps() });
  rec.write(b('hello '));
  rec.resize(50, 12);
  rec.write(b('world'));
  assert.equal(await rec.end(), undefined);
  const { header, events: es } = events(path);
  assert.equal(header.version, 2);
  assert.equal(header.width, 40);
  assert.equal(header.height, 10);
  assert.equal(header.title, 'broadcast');
  assert.deepEqual(header.env, { TERM: 'xterm-256color', SHELL: '/bin/sh' });
  assert.ok(typeof header.timestamp === 'number' && Math.abs((header.timestamp as number) - Date.now() / 1000) < 60);
  assert.deepEqual(shape(es), [['o', 'hello '], ['r', '50x12'], ['o', 'world']]);
  assert.ok(es.every(([t], i) => i === 0 || t >= es[i - 1][0]), 'times never go back');
});

test('curtain: a marker where it went down, NOTHING of the output until a marker where it went up, then the output again', async () => {
  const path = file();
  const rec = await CastRecorder.create(path, HEADER, { clock: steps() });
  rec.write(b('before'));
  rec.mark({ curtain: 'down' });
  rec.write(b('SECRET-1 the curtain screen'));
  // A second 'down' (a snapshot's mark while already down) is no second marker.
  rec.mark({ curtain: 'down' });
  rec.resize(44, 11);
  rec.write(b('SECRET-2'));
  rec.mark({ curtain: 'up' });
  rec.mark({ curtain: 'up' });
  rec.write(b('after'));
  await rec.end();
  const text = readFileSync(path, 'utf8');
  assert.doesNotMatch(text, /SECRET/);
  assert.deepEqual(shape(events(path).events), [
    ['o', 'before'],
    ['m', CURTAIN_DOWN_LABEL],
    ['r', '44x11'],
    ['m', CURTAIN_UP_LABEL],
    ['o', 'after'],
  ]);
});

test('curtain: half a character before the curtain ends there (U+FFFD), never joined to what comes after it', async () => {
  const path = file();
  const rec = await CastRecorder.create(path, HEADER, { clock: steps() });
  const euro = b('€');
  rec.write(euro.subarray(0, 1));
  rec.mark({ curtain: 'down' });
  rec.write(euro.subarray(1));
  rec.mark({ curtain: 'up' });
  rec.write(b('ok'));
  await rec.end();
  assert.deepEqual(shape(events(path).events), [['o', '\ufffd'], ['m', CURTAIN_DOWN_LABEL], ['m', CURTAIN_UP_LABEL], ['o', 'ok']]);
});

/** A group's snapshot side, answered by hand. */
class Source implements SnapshotSource {
  readonly asked: number[] = [];
  requestSnapshot(_feed: GuestFeed, generation: number): void {
    this.asked.push(generation);
  }
}

test('through the fan-out feed: a recording that joins behind the curtain writes the header, the marker, and nothing until it lifts', async () => {
  const path = file();
  const rec = await CastRecorder.create(path, HEADER, { clock: steps() });
  const feed = new GuestFeed(rec);
  const source = new Source();
  feed.start(source, false);
  // Live bytes while the snapshot is on its way are queued; the snapshot is of the curtain.
  feed.push(b('SECRET-queued'));
  feed.deliverSnapshot(source.asked[0], 'SECRET-curtain-screen', 'down');
  feed.push(b('SECRET-live'));
  feed.mark({ curtain: 'up' });
  feed.push(b('the session again'));
  await rec.end();
  assert.doesNotMatch(readFileSync(path, 'utf8'), /SECRET/);
  assert.deepEqual(shape(events(path).events), [['m', CURTAIN_DOWN_LABEL], ['m', CURTAIN_UP_LABEL], ['o', 'the session again']]);
});

test('through the fan-out feed: marks queued behind a snapshot keep their place among the bytes', async () => {
  const path = file();
  const rec = await CastRecorder.create(path, HEADER, { clock: steps() });
  const feed = new GuestFeed(rec);
  const source = new Source();
  feed.start(source, false);
  feed.push(b('shown-1 '));
  feed.mark({ curtain: 'down' });
  feed.push(b('SECRET'));
  feed.mark({ curtain: 'up' });
  feed.push(b('shown-2'));
  feed.deliverSnapshot(source.asked[0], 'screen ', 'up');
  await rec.end();
  assert.deepEqual(shape(events(path).events), [
    ['o', 'screen '],
    ['o', 'shown-1 '],
    ['m', CURTAIN_DOWN_LABEL],
    ['m', CURTAIN_UP_LABEL],
    ['o', 'shown-2'],
  ]);
});

test('through the fan-out feed: a recording resynchronised after the curtain lifted gets the up marker before the new screen', async () => {
  const path = file();
  const rec = await CastRecorder.create(path, HEADER, { clock: steps() });
  const feed = new GuestFeed(rec);
  const source = new Source();
  feed.start(source, true);
  feed.mark({ curtain: 'down' });
  // Resynchronised (it fell behind) while the curtain went up somewhere in what it missed.
  feed.start(source, false);
  feed.deliverSnapshot(source.asked[0], 'after the curtain', 'up');
  await rec.end();
  assert.deepEqual(shape(events(path).events), [['m', CURTAIN_DOWN_LABEL], ['m', CURTAIN_UP_LABEL], ['o', 'after the curtain']]);
});

test('a slow disk: the feed stops giving the recording bytes once BEHIND_AT wait, and resynchronises it from a snapshot once written', async () => {
  const path = file();
  const rec = await CastRecorder.create(path, HEADER, { clock: steps() });
  const feed = new GuestFeed(rec);
  const source = new Source();
  feed.start(source, true);
  // More than the bound at once: the file's queue holds it until its write ends.
  feed.push(Buffer.alloc(BEHIND_AT + 1024, 'a'));
  assert.ok(rec.writableLength >= BEHIND_AT, 'the file counts what waits');
  feed.push(b('DROPPED'));
  assert.equal(feed.state, 'behind');
  assert.equal(feed.drops, 1);
  await waitFor('the recording to be resynchronised once its file caught up', () => source.asked.length === 1);
  feed.deliverSnapshot(source.asked[0], 'resynced', 'up');
  await rec.end();
  const es = shape(events(path).events);
  assert.equal(es.at(-1)?.[1], 'resynced');
  assert.ok(!es.some(([, d]) => d.includes('DROPPED')));
});

test('writes are batched: nothing is written at each event, all of it within the flush delay, and close() writes the rest', async () => {
  const path = file();
  const cast = await CastFile.open(path, { flushMs: 200 });
  for (let i = 0; i < 100; i++) cast.append(`line ${i}`);
  assert.equal(statSync(path).size, 0, 'one batch, not a write per line');
  assert.ok(cast.writableLength > 0);
  await waitFor('the batch to reach the file', () => statSync(path).size > 0);
  assert.equal(readFileSync(path, 'utf8').split('\n').length, 101);
  cast.append('last');
  await cast.close();
  assert.match(readFileSync(path, 'utf8'), /line 99\nlast\n$/);
});

test('an existing file is never replaced without force; with force it is', async () => {
  const path = file();
  writeFileSync(path, 'precious\n');
  await assert.rejects(CastRecorder.create(path, HEADER), (e: Error) => e instanceof RecordingError && e.message === `${path} already exists: record to another file, or add --force to overwrite it.`);
  assert.equal(readFileSync(path, 'utf8'), 'precious\n');
  assert.throws(() => checkRecordingTarget(path), /already exists: record to another file, or add --force/);
  assert.equal(checkRecordingTarget(path, true), path);
  const rec = await CastRecorder.create(path, HEADER, { force: true });
  await rec.end();
  assert.match(readFileSync(path, 'utf8'), /^\{"version":2/);
});

test('a folder that is not there, and a folder given as the file, are said with what to do', async () => {
  const missing = join(dir, 'nope', 'a.cast');
  await assert.rejects(CastRecorder.create(missing, HEADER), new RegExp(`^Error: Cannot record to ${missing}: the folder ${join(dir, 'nope')} does not exist\\. Make it first`));
  assert.throws(() => checkRecordingTarget(missing), /does not exist\. Make it first/);
  assert.throws(() => checkRecordingTarget(dir), /it is a folder\. Name a file, such as .*\/session\.cast\./);
});

test('a full disk (/dev/full): the recording stops with a clear error event, and nothing waits in memory', async () => {
  const rec = await CastRecorder.create('/dev/full', HEADER, { force: true, flushMs: 10 });
  const failed = new Promise<RecordingError>((resolve) => rec.once('error', resolve));
  rec.write(b('some output'));
  const error = await failed;
  assert.equal(error.message, 'Recording to /dev/full stopped: the disk is full. What was recorded until then is in the file; the broadcast goes on.');
  assert.equal(rec.writable, false);
  rec.write(b('more'));
  assert.equal(rec.writableLength, 0);
  assert.equal((await rec.end())?.message, error.message);
});

test('with no feed above it (the watcher), a file that falls too far behind stops with an error rather than growing', async () => {
  const path = file();
  const cast = await CastFile.open(path, { maxPending: 1000 });
  const failed = new Promise<RecordingError>((resolve) => cast.once('error', resolve));
  for (let i = 0; i < 20; i++) cast.append('x'.repeat(100));
  assert.match((await failed).message, /stopped: the disk took too long to write it/);
  assert.equal(cast.writableLength, 0);
  await cast.close();
});

test("a file played into someone's terminal holds no queries (their answers would become input), clipboard or titles: the watchers' rule", async () => {
  const path = file();
  const rec = await CastRecorder.create(path, HEADER, { clock: steps() });
  // tmux's queries at attach (DA2, XTVERSION), a device status report, an OSC 52 and a title; split mid-sequence too.
  rec.write(b('\x1b[?1049h\x1b[>c\x1b[>q\x1b[6nA\x1b]52;c;cm0gLXJm'));
  rec.write(b('IH4=\x07B\x1b]0;title\x07\x1b[1;31mC\x1b['));
  rec.write(b('0m'));
  await rec.end();
  const output = shape(events(path).events).filter(([code]) => code === 'o').map(([, data]) => data).join('');
  assert.equal(output, '\x1b[?1049hAB\x1b[1;31mC\x1b[0m');
});
