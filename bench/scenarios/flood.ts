// The host's own speed under watch: wall time of `cat` of a big text file in the host's session,
// with N viewers attached of which one never reads its channel. The shell script measures the
// cat itself (date before and after), so the figure is what the host feels at the prompt.
import { existsSync, readFileSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BenchContext, sleep } from '../context';
import { Route, RouteRun } from '../routes/route';
import { median } from '../stats';
import { BenchViewer } from '../viewerClient';
import { bringUp, closeAll } from '../viewerPool';

export interface FloodRow {
  route: string;
  viewers: number;
  /** Viewers that never read (1 when viewers > 0). */
  stalled: number;
  fileMiB: number;
  /** Wall time of the cat in the host's session (median of the runs); null when one did not finish within the limit. */
  catMs: number | null;
  /** Each run's wall time (three runs; one when a run with viewers takes over REPEAT_UNDER_MS). */
  catRunsMs: number[];
  /**
   * The same cat on the same broadcast seconds before the viewers joined (median of three): the
   * denominator of `ratio`, so a change in the machine's load between rows does not skew it.
   */
  aloneMs: number | null;
  /** catMs / aloneMs. */
  ratio: number | null;
  /** From the end of the cat until every live viewer showed the line printed after it. */
  caughtUpMs: number | null;
  /** Live viewers that had not shown it when the limit ran out. */
  behind: number;
  limitMs: number;
}

const CAT_LIMIT_MS = 180_000;
const CATCH_UP_LIMIT_MS = 60_000;
const BASELINE_REPEATS = 3;
/** A cat with viewers is repeated (median of three) only when it is quick: a shared machine's
 * noise is of the order of the cat itself, while a cat of a minute (OpenSSH, 200 viewers) says
 * what it has to say once. */
const REPEAT_UNDER_MS = 10_000;

/** A text file of numbered 80-column lines with varied words: what a log or a build prints. */
export function writeFloodFile(path: string, mib: number): void {
  const words = ['compile', 'src/host/broadcast.ts', 'ok', 'warning:', 'tmux', 'viewer', 'session', '0x7f3a', 'done', 'ssh2'];
  const fd = openSync(path, 'w');
  try {
    const target = mib * 1024 * 1024;
    let written = 0;
    let n = 0;
    while (written < target) {
      const lines: string[] = [];
      for (let i = 0; i < 1000; i++, n++) {
        let line = `${String(n).padStart(7, '0')} `;
        for (let w = n; line.length < 72; w = (w * 7 + 3) % 1009) line += words[w % words.length] + ' ';
        lines.push(line.slice(0, 79));
      }
      const chunk = lines.join('\n') + '\n';
      writeSync(fd, chunk);
      written += Buffer.byteLength(chunk);
    }
  } finally {
    closeSync(fd);
  }
}

/** The script the host's shell runs: times the cat, writes the times, then prints the final line. */
function writeFloodScript(path: string, file: string): void {
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      '# $1: result file; $2: the run id (the final line is "flood-done-$2", which the typed command does not show)',
      's=$(date +%s%N)',
      `cat '${file}'`,
      'e=$(date +%s%N)',
      'echo "$s $e" > "$1.tmp" && mv "$1.tmp" "$1"',
      'echo "flood-done-$2"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
}

/**
 * The bench's viewers all live in this process, on the host's machine; real guests render on their
 * own machines. During the flood they would take a whole core from the host (200 screens parsing
 * megabytes), so the bench yields to the host here: the viewers still read and render everything
 * they are sent, only after the host's processes when both want the CPU. Raising the priority back
 * needs root, which is why the flood runs last.
 */
export const VIEWER_NICE = 10;

export class Flood {
  readonly file: string;
  private readonly script: string;
  private runs = 0;

  constructor(private readonly ctx: BenchContext) {
    this.file = join(ctx.workDir, 'flood.txt');
    this.script = join(ctx.workDir, 'flood.sh');
    writeFloodFile(this.file, ctx.options.floodMiB);
    writeFloodScript(this.script, this.file);
    try {
      setPriority(Math.max(getPriority(), VIEWER_NICE));
    } catch (error) {
      ctx.note(`flood: could not lower the viewers' priority (${error instanceof Error ? error.message : String(error)}); they compete with the host for the CPU`);
    }
  }

  async measure(route: Route, viewers: number): Promise<FloodRow> {
    const ctx = this.ctx;
    const run = await route.start();
    const stalled = viewers > 0 ? 1 : 0;
    const row: FloodRow = { route: route.name, viewers, stalled, fileMiB: ctx.options.floodMiB, catMs: null, catRunsMs: [], aloneMs: null, ratio: null, caughtUpMs: null, behind: 0, limitMs: 0 };
    const viewersUp: BenchViewer[] = [];
    try {
      await this.alone(run, row);
      const pool = await bringUp(run.target, ctx.pool(viewers, stalled), viewersUp);
      if (pool.viewers.length < viewers) throw new Error(`only ${pool.viewers.length} of ${viewers} viewers came up: ${pool.failures[0] ?? ''}`);
      // Viewers finish connecting in any order: pick the live ones by what they are.
      const live = pool.viewers.filter((v) => !v.stalled);
      // The median of three, like the baseline, unless one run is already long.
      for (let i = 0; i < BASELINE_REPEATS; i++) {
        const once = await this.catOnce(run, live, `${route.name}${viewers}x${++this.runs}`);
        row.limitMs = once.limitMs;
        if (once.catMs === null) {
          ctx.note(`flood (${route.name}, ${viewers} viewers): the cat did not finish within ${Math.round(once.limitMs / 1000)} s`);
          break;
        }
        row.catRunsMs.push(once.catMs);
        row.caughtUpMs = once.caughtUpMs;
        row.behind = once.behind;
        if (once.behind) ctx.note(`flood (${route.name}, ${viewers} viewers): ${once.behind} live viewers had not shown the final screen after ${CATCH_UP_LIMIT_MS / 1000} s`);
        if (viewers > 0 && once.catMs > REPEAT_UNDER_MS) break;
      }
      const finished = row.catRunsMs.length === BASELINE_REPEATS || (viewers > 0 && (row.catRunsMs.at(-1) ?? 0) > REPEAT_UNDER_MS);
      row.catMs = finished ? median(row.catRunsMs) : null;
      if (viewers === 0) row.aloneMs = row.catMs;
      row.ratio = row.catMs !== null && row.aloneMs ? row.catMs / row.aloneMs : null;
      return row;
    } finally {
      closeAll(viewersUp);
      await run.stop();
    }
  }

  /** Measures row.aloneMs before any viewer joins (the 0-viewer row measures itself). */
  private async alone(run: RouteRun, row: FloodRow): Promise<void> {
    if (row.viewers === 0) return;
    const runs: number[] = [];
    for (let i = 0; i < BASELINE_REPEATS; i++) {
      const once = await this.catOnce(run, [], `${row.route}${row.viewers}alone${++this.runs}`);
      if (once.catMs === null) return;
      runs.push(once.catMs);
    }
    row.aloneMs = median(runs);
  }

  /** One cat: its wall time, and when every live viewer showed the line printed after it. */
  private async catOnce(run: RouteRun, live: BenchViewer[], id: string): Promise<{ catMs: number | null; caughtUpMs: number | null; behind: number; limitMs: number }> {
    const ctx = this.ctx;
    const limitMs = ctx.budget(CAT_LIMIT_MS);
    const result = join(ctx.workDir, `flood-${id}.result`);
    rmSync(result, { force: true });
    const seen: (number | undefined)[] = live.map(() => undefined);
    live.forEach((v, i) => void v.whenVisible(`flood-done-${id}`).then((t) => (seen[i] = performance.timeOrigin + t)));

    await run.control.type(`sh ${this.script} ${result} ${id}`);
    await run.control.keys('Enter');
    const catDeadline = Date.now() + limitMs;
    while (!existsSync(result) && Date.now() < catDeadline) await sleep(20);
    if (!existsSync(result)) {
      await run.control.keys('C-c').catch(() => undefined);
      for (const v of live) v.clearWatches();
      return { catMs: null, caughtUpMs: null, behind: live.length, limitMs };
    }
    const [start, end] = readFileSync(result, 'utf8').trim().split(' ').map((ns) => Number(BigInt(ns) / 1000n) / 1000);

    const catchUpDeadline = Date.now() + ctx.budget(CATCH_UP_LIMIT_MS);
    while (seen.some((t) => t === undefined) && Date.now() < catchUpDeadline) await sleep(20);
    for (const v of live) v.clearWatches();
    const behind = seen.filter((t) => t === undefined).length;
    const times = seen.filter((t): t is number => t !== undefined);
    const caughtUpMs = live.length && behind === 0 ? Math.max(0, Math.max(...times) - end) : null;
    return { catMs: end - start, caughtUpMs, behind, limitMs };
  }

  dispose(): void {
    // Back to normal priority where allowed (root); otherwise the rest of the run stays niced.
    try {
      setPriority(0);
    } catch {
      // not root: fine, nothing measured after the flood depends on it
    }
    rmSync(this.file, { force: true });
  }
}
