// A recording of a real tmux session by the production recorder (src/host/recording): a
// HostRecording, i.e. a member of the fan-out at the host's size whose sink is the asciicast v2
// file (CastRecorder over CastFile), the same code `guest-broadcast host --record` runs. For tests
// that check players nobody here wrote read what we write.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SizeGroups } from '../../src/host/fanout/sizeGroups';
import { HostRecording } from '../../src/host/recording/hostRecording';
import type { Tmux } from '../../src/tmux/tmux';
import type { TerminalSize } from '../../src/wire/hostSize';
import { PtyClient } from './ptyClient';
import { Screen, waitFor } from './screen';
import { capturePane } from './tmuxFixture';

export interface CastRecording {
  /** The file (in a temp folder of its own, removed when the test process exits). */
  readonly path: string;
  /** The file's lines so far: the header, then one per event (written within the flush delay). */
  lines(): string[];
  /** The output recorded so far, decoded. */
  output(): string;
  /**
   * Waits until the host's pane shows `marker` and the recorded output draws that pane (the
   * pane is the window: the recording's rows beyond it are tmux's status line).
   */
  settledOn(tmux: Tmux, session: string, marker: string): Promise<void>;
  /** Stops recording (once; later calls give the same answer); resolves the file's text (lines, each ending in a newline). */
  stop(): Promise<string>;
}

/** The screen `text` draws in a terminal of this size. */
export async function drawnScreen(text: string, cols: number, rows: number): Promise<string[]> {
  const screen = new Screen(cols, rows);
  await screen.write(text);
  const lines = screen.lines();
  screen.dispose();
  return lines;
}

const trimmed = (lines: string[]): string => JSON.stringify(lines.map((l) => l.trimEnd()));

/** A clock that moves 1 ms per reading: times grow, as a real one's do, and play back quickly. */
export function steppingClock(): () => number {
  let t = 0;
  return () => (t += 1);
}

/** The output events of an asciicast v2 file's lines, joined. */
export function castOutput(lines: readonly string[]): string {
  return lines
    .slice(1)
    .map((l) => JSON.parse(l) as [number, string, string])
    .filter(([, code]) => code === 'o')
    .map(([, , data]) => data)
    .join('');
}

/** Temp folders of recordings, removed when the test process exits (a file may be read after stop()). */
const folders: string[] = [];
process.once('exit', () => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/**
 * Records `sessionName` at a host size of cols x rows (a fixed one: these tests never resize).
 * Returns at once; the file is made and the recording joins the fan-out right after.
 */
export function recordSession(tmux: Tmux, sessionName: string, cols: number, rows: number): CastRecording {
  const dir = mkdtempSync(join(tmpdir(), 'gb-castrec-'));
  folders.push(dir);
  const path = join(dir, 'session.cast');
  const groups = new SizeGroups({ tmux, sessionName, maxGroups: 4 });
  const size: TerminalSize = { cols, rows };
  const started = HostRecording.start(path, {
    groups,
    hostSize: { subscribe: (listener) => (listener(size), () => undefined) },
    initialSize: async () => size,
    title: 'test recording',
    shell: '/bin/sh',
    clock: steppingClock(),
    flushMs: 20,
    onEnded: () => undefined,
  });
  // A failure is thrown by settledOn() and stop(), where a test waits.
  started.catch(() => undefined);
  const lines = (): string[] => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '') : []);
  const output = (): string => castOutput(lines());
  let stopped: Promise<string> | undefined;
  return {
    path,
    lines,
    output,
    async settledOn(tmux: Tmux, session: string, marker: string) {
      await started;
      await waitFor(`the recording to draw the host's pane with "${marker}"`, async () => {
        const pane = await capturePane(tmux, session);
        if (!pane.join('\n').includes(marker)) return false;
        return trimmed((await drawnScreen(output(), cols, rows)).slice(0, pane.length)) === trimmed(pane);
      }, 20_000);
    },
    stop() {
      stopped ??= started.then(async (recording) => {
        await recording.stop();
        return readFileSync(path, 'utf8');
      });
      return stopped;
    },
  };
}

/** The screen an asciicast v2 file draws, played to its end: its output at the sizes its header and resize events say. */
export async function renderCast(text: string): Promise<{ cols: number; rows: number; lines: string[] }> {
  const [head, ...events] = text.split('\n').filter((l) => l !== '');
  const header = JSON.parse(head) as { width: number; height: number };
  let cols = header.width;
  let rows = header.height;
  const screen = new Screen(cols, rows);
  try {
    for (const line of events) {
      const [, code, data] = JSON.parse(line) as [number, string, string];
      if (code === 'o') await screen.write(data);
      else if (code === 'r') {
        [cols, rows] = data.split('x').map(Number);
        screen.resize(cols, rows);
      }
    }
    return { cols, rows, lines: screen.lines() };
  } finally {
    screen.dispose();
  }
}

/** Whether Debian's asciinema is installed. */
export function hasAsciinema(): boolean {
  try {
    execFileSync('asciinema', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The screen `asciinema cat FILE` (a player nobody here wrote) leaves in a COLSxROWS terminal. */
export async function asciinemaCatScreen(file: string, cols: number, rows: number): Promise<string[]> {
  const cat = new PtyClient(['asciinema', 'cat', file], { cols, rows });
  try {
    await waitFor('asciinema cat to finish', () => cat.exitCode !== undefined, 30_000);
    if (cat.exitCode !== 0) throw new Error(`asciinema cat failed: ${cat.output}`);
    return await cat.lines();
  } finally {
    cat.kill();
  }
}
