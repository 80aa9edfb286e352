// The host's own speed while the broadcast records (issue 17): the flood's cat of the same file
// (flood.ts) on one broadcast nobody watches, REPEATS times recording and REPEATS times not, in
// turn, so moments of a shared machine's load fall on both alike. The recording is started and
// stopped as `guest-broadcast record FILE` / `record --stop` do from another terminal (the
// owner's markers and nudge, src/host/recording/recordingRequests.ts), so each recorded cat has a
// file of its own, whose size is the other figure. With nobody watching, the recording is the
// only member of its size group: its tmux client and screen model are all its own cost.
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readMarkers } from '../../src/tmux/broadcastSession';
import { askOwner } from '../../src/host/recording/recordingRequests';
import { BenchContext } from '../context';
import { RouteUnderTest, RouteRun } from '../routes/route';
import { median } from '../stats';
import type { Flood } from './flood';

export interface RecordingRow {
  route: string;
  fileMiB: number;
  /** Wall time of the cat while recording (median of the runs); null when one did not finish. */
  catMs: number | null;
  catRunsMs: number[];
  /** The same cat not recording, in turn with the recorded ones (median). */
  aloneMs: number | null;
  aloneRunsMs: number[];
  /** catMs / aloneMs (the target: <= 1.05). */
  ratio: number | null;
  /** The recording's file per cat, in bytes (median; the header and the prompt's lines included). */
  fileBytes: number | null;
  fileBytesRuns: number[];
}

/** Cats of each kind (--quick: 2, to keep the whole run short). */
const REPEATS = 5;
const QUICK_REPEATS = 2;

async function ask(run: RouteRun, op: { op: 'start'; path: string; force: boolean } | { op: 'stop' }): Promise<void> {
  const tmux = run.host.tmux;
  const markers = await readMarkers(tmux);
  if (!markers) throw new Error('the broadcast is gone');
  await askOwner(tmux, markers, op, () => 'the bench host does not own its broadcast');
}

export async function measureRecording(ctx: BenchContext, route: RouteUnderTest, flood: Flood): Promise<RecordingRow> {
  const run = await route.start();
  const row: RecordingRow = { route: route.name, fileMiB: ctx.options.floodMiB, catMs: null, catRunsMs: [], aloneMs: null, aloneRunsMs: [], ratio: null, fileBytes: null, fileBytesRuns: [] };
  let unfinished = false;
  try {
    const repeats = ctx.options.quick ? QUICK_REPEATS : REPEATS;
    for (let i = 0; i < repeats && !unfinished; i++) {
      const alone = await flood.timeCat(run, `${route.name}-norec`);
      const file = join(ctx.workDir, `recording-${route.name}-${i}.cast`);
      await ask(run, { op: 'start', path: file, force: true });
      let recorded: number | null;
      try {
        recorded = await flood.timeCat(run, `${route.name}-rec`);
      } finally {
        await ask(run, { op: 'stop' });
      }
      row.fileBytesRuns.push(statSync(file).size);
      rmSync(file, { force: true });
      if (alone === null || recorded === null) {
        ctx.note(`recording (${route.name}): a cat did not finish within its limit`);
        unfinished = true;
        break;
      }
      row.aloneRunsMs.push(alone);
      row.catRunsMs.push(recorded);
    }
  } finally {
    await run.stop();
  }
  if (!unfinished) {
    row.catMs = median(row.catRunsMs);
    row.aloneMs = median(row.aloneRunsMs);
    row.ratio = row.aloneMs ? row.catMs / row.aloneMs : null;
  }
  row.fileBytes = row.fileBytesRuns.length ? median(row.fileBytesRuns) : null;
  return row;
}
