// The host's own speed under watch: wall time of `cat` of a big text file in the host's session,
// with N viewers attached of which one never reads its channel. The shell script measures the
// cat itself (date before and after), so the figure is what the host feels at the prompt.
import { existsSync, readFileSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BenchContext, sleep } from '../context';
import { cpuMsBetween, sampleCpu } from '../cpuTime';
import { RouteUnderTest, RouteRun } from '../routes/route';
import { median } from '../stats';
import { BenchViewer } from '../viewerClient';
import { bringUp, closeAll } from '../viewerPool';
import { yieldToHost } from '../viewerPriority';
import { FRAME_MS } from '../../src/host/fanout/outputPacer';

export interface FloodRow {
  route: string;
  viewers: number;
  /** Viewers that never read (1 when viewers > 0). */
  stalled: number;
  /** How the viewers yielded the CPU to the host during the cat (viewerPriority.ts). */
  viewersYield: string;
  /**
   * Where `alone` comes from: a second broadcast with no viewers, catting in turn with the watched
   * one ('interleaved', where the route can run two); the same broadcast before the viewers joined
   * ('before'); or the row itself (0 viewers).
   */
  baseline: 'interleaved' | 'before' | 'itself';
  fileMiB: number;
  /** Wall time of the cat in the host's session (median of the runs); null when one did not finish within the limit. */
  catMs: number | null;
  /** Each run's wall time (REPEATS runs; one when a run with viewers takes over REPEAT_UNDER_MS). */
  catRunsMs: number[];
  /**
   * The same cat with no viewers (median of REPEATS; `baseline` says where): the denominator of
   * `ratio`, measured beside the watched runs so the machine's load at the time skews both alike.
   */
  aloneMs: number | null;
  aloneRunsMs: number[];
  /**
   * CPU time per cat (median of the runs, CatCpu); alone: the same for the unwatched cat
   * (`baseline`). What the viewers cost the host's machine, beside the wall time.
   */
  cpuMs: CatCpu | null;
  aloneCpuMs: CatCpu | null;
  /** Bytes each live viewer received per cat (median), the farewell line and prompt included. */
  bytesPerViewer: number | null;
  /** catMs / aloneMs. */
  ratio: number | null;
  /**
   * The same cat with the same viewers, all of which read what they are sent only once the cat
   * is over: the host sends every byte as before (it cannot tell), while the bench's viewers do
   * not decrypt and render on the host's 2 cores meanwhile, as guests on their own machines do
   * not. Null where not measured (a cat with viewers over REPEAT_UNDER_MS is measured once, live).
   */
  deferredCatMs: number | null;
  deferredCatRunsMs: number[];
  deferredCpuMs: CatCpu | null;
  deferredRatio: number | null;
  /** From the end of the cat until every live viewer showed the line printed after it. */
  caughtUpMs: number | null;
  /** Live viewers that had not shown it when the limit ran out. */
  behind: number;
  limitMs: number;
}

/**
 * CPU ms per cat: the tmux server; what serves the viewers (the host process with its tmux
 * clients, or sshd with its children: cpuTime.ts); and the bench's own viewers (this process: on
 * a real broadcast, the guests' machines).
 */
export interface CatCpu {
  tmux: number;
  serving: number;
  viewers: number;
}

export interface CatOnce {
  catMs: number | null;
  cpuMs: CatCpu;
  bytesPerViewer: number;
  caughtUpMs: number | null;
  behind: number;
  limitMs: number;
}

/**
 * One broadcast's part in catRuns: `alone` has no viewers; `x` has the row's viewers reading as
 * the output comes; `deferred` has them reading only once the cat is over.
 */
interface Turn {
  run: RouteRun;
  live: BenchViewer[];
  kind: 'alone' | 'x' | 'deferred';
}

interface CatRuns {
  wallMs: number[];
  cpuMs: CatCpu | null;
  bytesPerViewer: number | null;
  /** Every run finished (or, with viewers, one was long enough to stand alone). */
  finished: boolean;
}

const CAT_LIMIT_MS = 180_000;
/** Below ssh2's client window (2 MiB): what a viewer reading after the cat can hold back unnoticed. */
const DEFER_MAX_BYTES = 1024 * 1024;
/**
 * After the cat, the CPU is read this much later: the embedded host may still be sending the
 * cat's last frame (FRAME_MS), which is part of what the cat cost.
 */
const CPU_SETTLE_MS = FRAME_MS + 50;
const CATCH_UP_LIMIT_MS = 60_000;
/** Runs per figure, alone and with viewers: a cat takes about half a second, and on a shared
 * 2-core machine one run varies by a quarter of that. */
const REPEATS = 5;
/** A cat with viewers is repeated only when it is quick: a cat of a minute (OpenSSH, 200
 * viewers) says what it has to say once. */
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

export class Flood {
  readonly file: string;
  private readonly script: string;
  private runs = 0;

  constructor(private readonly ctx: BenchContext) {
    this.file = join(ctx.workDir, 'flood.txt');
    this.script = join(ctx.workDir, 'flood.sh');
    writeFloodFile(this.file, ctx.options.floodMiB);
    writeFloodScript(this.script, this.file);
  }

  async measure(route: RouteUnderTest, viewers: number): Promise<FloodRow> {
    const ctx = this.ctx;
    const run = await route.start();
    const stalled = viewers > 0 ? 1 : 0;
    const row: FloodRow = {
      route: route.name,
      viewers,
      stalled,
      viewersYield: '',
      baseline: viewers === 0 ? 'itself' : route.concurrentRuns ? 'interleaved' : 'before',
      fileMiB: ctx.options.floodMiB,
      catMs: null,
      catRunsMs: [],
      aloneMs: null,
      aloneRunsMs: [],
      cpuMs: null,
      aloneCpuMs: null,
      bytesPerViewer: null,
      ratio: null,
      deferredCatMs: null,
      deferredCatRunsMs: [],
      deferredCpuMs: null,
      deferredRatio: null,
      caughtUpMs: null,
      behind: 0,
      limitMs: 0,
    };
    const viewersUp: BenchViewer[] = [];
    let beside: RouteRun | undefined;
    try {
      let alone: CatRuns | undefined;
      if (row.baseline === 'interleaved') beside = await route.start();
      else if (row.baseline === 'before') alone = await this.catRuns([{ run, live: [], kind: 'alone' }], row).then((r) => r.alone);
      const pool = await bringUp(run.target, ctx.pool(viewers, stalled), viewersUp);
      if (pool.viewers.length < viewers) throw new Error(`only ${pool.viewers.length} of ${viewers} viewers came up: ${pool.failures[0] ?? ''}`);
      // Viewers finish connecting in any order: pick the live ones by what they are.
      const live = pool.viewers.filter((v) => !v.stalled);
      // Lowered only now: the route's processes were started at normal priority (viewerPriority.ts).
      const yielded = await yieldToHost();
      row.viewersYield = yielded.how;
      if (!yielded.lowered) ctx.note(`flood: the viewers' priority is ${yielded.how}; they compete with the host for the CPU, which raises the cat ratio`);
      let watched: CatRuns | undefined;
      let deferred: CatRuns | undefined;
      try {
        const turns: Turn[] = [{ run, live, kind: 'x' }];
        if (viewers > 0) turns.push({ run, live, kind: 'deferred' });
        // The same cat on a broadcast nobody watches, in turn with the watched one: moments of a
        // shared machine's load fall on both alike.
        if (beside) turns.unshift({ run: beside, live: [], kind: 'alone' });
        const runs = await this.catRuns(turns, row);
        watched = runs.x;
        deferred = runs.deferred;
        alone ??= runs.alone;
      } finally {
        await yielded.restore();
      }
      if (viewers === 0) alone = watched;
      row.catRunsMs = watched?.wallMs ?? [];
      row.catMs = watched?.finished ? median(watched.wallMs) : null;
      row.cpuMs = watched?.cpuMs ?? null;
      row.bytesPerViewer = watched?.bytesPerViewer ?? null;
      row.aloneRunsMs = alone?.wallMs ?? [];
      row.aloneMs = alone?.finished ? median(alone.wallMs) : null;
      row.aloneCpuMs = alone?.cpuMs ?? null;
      row.ratio = row.catMs !== null && row.aloneMs ? row.catMs / row.aloneMs : null;
      row.deferredCatRunsMs = deferred?.wallMs ?? [];
      row.deferredCatMs = deferred?.finished ? median(deferred.wallMs) : null;
      row.deferredCpuMs = deferred?.cpuMs ?? null;
      row.deferredRatio = row.deferredCatMs !== null && row.aloneMs ? row.deferredCatMs / row.aloneMs : null;
      return row;
    } finally {
      closeAll(viewersUp);
      await run.stop();
      await beside?.stop();
    }
  }

  /**
   * The cat REPEATS times on each turn's broadcast, turn after turn, with the turn's `live` viewers
   * watching (none: alone). A kind stops early when one of its runs does not finish or, with
   * viewers, takes over REPEAT_UNDER_MS. Sets the row's catch-up figures from the last watched run.
   */
  private async catRuns(turns: Turn[], row: FloodRow): Promise<Partial<Record<Turn['kind'], CatRuns>>> {
    const ctx = this.ctx;
    const { route, viewers } = row;
    // Per kind: its runs so far; `done` once it stops early; `long` when that was one long run,
    // which stands alone.
    const out: Partial<Record<Turn['kind'], { wallMs: number[]; cpu: CatCpu[]; bytes: number[]; done: boolean; long: boolean }>> = {};
    for (const t of turns) out[t.kind] = { wallMs: [], cpu: [], bytes: [], done: false, long: false };
    for (let i = 0; i < REPEATS; i++) {
      for (const turn of turns) {
        const acc = out[turn.kind];
        if (!acc || acc.done) continue;
        // A watched cat of over REPEAT_UNDER_MS is measured once, live only; and viewers can hold
        // back only what their SSH window takes, or the server would be stopped by them (OpenSSH
        // sends each guest megabytes per cat).
        if (turn.kind === 'deferred' && (out.x?.long || (out.x?.bytes[0] ?? 0) > DEFER_MAX_BYTES)) {
          acc.done = true;
          continue;
        }
        const once = await this.catOnce(turn.run, turn.live, `${route}${viewers}${turn.kind}${++this.runs}`, turn.kind === 'deferred');
        row.limitMs = once.limitMs;
        if (once.catMs === null) {
          ctx.note(`flood (${route}, ${viewers} viewers${turn.kind === 'alone' ? ', alone' : ''}): the cat did not finish within ${Math.round(once.limitMs / 1000)} s`);
          acc.done = true;
          continue;
        }
        acc.wallMs.push(once.catMs);
        acc.cpu.push(once.cpuMs);
        acc.bytes.push(once.bytesPerViewer);
        if (turn.kind === 'x' && turn.live.length) {
          row.caughtUpMs = once.caughtUpMs;
          row.behind = once.behind;
          if (once.behind) ctx.note(`flood (${route}, ${viewers} viewers): ${once.behind} live viewers had not shown the final screen after ${CATCH_UP_LIMIT_MS / 1000} s`);
        }
        if (turn.kind !== 'alone' && viewers > 0 && once.catMs > REPEAT_UNDER_MS) {
          acc.done = true;
          acc.long = true;
        }
      }
    }
    const result: Partial<Record<Turn['kind'], CatRuns>> = {};
    for (const [kind, acc] of Object.entries(out) as Array<[Turn['kind'], NonNullable<(typeof out)['x']>]>) {
      const finished = acc.long || acc.wallMs.length === REPEATS;
      const cpuMs = acc.cpu.length ? { tmux: median(acc.cpu.map((c) => c.tmux)), serving: median(acc.cpu.map((c) => c.serving)), viewers: median(acc.cpu.map((c) => c.viewers)) } : null;
      const live = turns.find((t) => t.kind === kind)?.live.length ?? 0;
      result[kind] = { wallMs: acc.wallMs, cpuMs, bytesPerViewer: live && acc.bytes.length ? median(acc.bytes) : null, finished };
    }
    return result;
  }

  /**
   * One cat: its wall time and CPU, and when every live viewer showed the line printed after it.
   * `deferReading`: the viewers read nothing until the cat is over (FloodRow.deferredCatMs).
   */
  private async catOnce(run: RouteRun, live: BenchViewer[], id: string, deferReading = false): Promise<CatOnce> {
    const ctx = this.ctx;
    const limitMs = ctx.budget(CAT_LIMIT_MS);
    const result = join(ctx.workDir, `flood-${id}.result`);
    rmSync(result, { force: true });
    const seen: (number | undefined)[] = live.map(() => undefined);
    live.forEach((v, i) => void v.whenVisible(`flood-done-${id}`).then((t) => (seen[i] = performance.timeOrigin + t)));

    if (deferReading) for (const v of live) v.holdReading();
    const cpuBefore = sampleCpu(run.host.tmuxPid, run.servingRoots());
    const viewersBefore = process.cpuUsage();
    const bytesBefore = live.reduce((sum, v) => sum + v.bytes, 0);
    await run.control.type(`sh ${this.script} ${result} ${id}`);
    await run.control.keys('Enter');
    const catDeadline = Date.now() + limitMs;
    while (!existsSync(result) && Date.now() < catDeadline) await sleep(20);
    if (!existsSync(result)) {
      for (const v of live) v.resumeReading();
      await run.control.keys('C-c').catch(() => undefined);
      for (const v of live) v.clearWatches();
      return { catMs: null, cpuMs: { tmux: 0, serving: 0, viewers: 0 }, bytesPerViewer: 0, caughtUpMs: null, behind: live.length, limitMs };
    }
    // From just before the command was typed until CPU_SETTLE_MS after its result was seen, the
    // same for every turn (the watched viewers' catch-up times are taken as they happen).
    await sleep(CPU_SETTLE_MS);
    const used = cpuMsBetween(cpuBefore, sampleCpu(run.host.tmuxPid, run.servingRoots()));
    const viewersUsed = process.cpuUsage(viewersBefore);
    for (const v of live) v.resumeReading();
    const [start, end] = readFileSync(result, 'utf8').trim().split(' ').map((ns) => Number(BigInt(ns) / 1000n) / 1000);

    const catchUpDeadline = Date.now() + ctx.budget(CATCH_UP_LIMIT_MS);
    while (seen.some((t) => t === undefined) && Date.now() < catchUpDeadline) await sleep(20);
    for (const v of live) v.clearWatches();
    const behind = seen.filter((t) => t === undefined).length;
    const times = seen.filter((t): t is number => t !== undefined);
    const caughtUpMs = live.length && behind === 0 ? Math.max(0, Math.max(...times) - end) : null;
    // Counted once every live viewer caught up (or the limit ran out): the whole cat's output.
    const bytesPerViewer = live.length ? (live.reduce((sum, v) => sum + v.bytes, 0) - bytesBefore) / live.length : 0;
    const cpuMs = { tmux: used.tmuxMs, serving: used.servingMs, viewers: (viewersUsed.user + viewersUsed.system) / 1000 };
    return { catMs: end - start, cpuMs, bytesPerViewer, caughtUpMs, behind, limitMs };
  }

  /**
   * One cat on `run` with `live` watching (the relay route's figures): its wall time, the CPU of
   * the run's tmux server and serving processes, and when every live viewer showed its end.
   * `deferReading`: the viewers read only once the cat is over (FloodRow.deferredCatMs).
   */
  async catWith(run: RouteRun, live: BenchViewer[], label: string, deferReading = false): Promise<CatOnce> {
    return this.catOnce(run, live, `${label}${++this.runs}`, deferReading);
  }

  /** One cat on `run` with nobody watching: its wall time (ms), or null when it did not finish (bench/scenarios/recording.ts). */
  async timeCat(run: RouteRun, label: string): Promise<number | null> {
    return (await this.catOnce(run, [], `${label}${++this.runs}`)).catMs;
  }

  dispose(): void {
    rmSync(this.file, { force: true });
  }
}
