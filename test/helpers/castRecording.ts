// A recording of a real tmux session as the recording feature will take it: a member of the
// host-size group of the fan-out whose sink turns each write into an asciicast v2 line
// (src/wire/asciicast.ts). For tests that check players nobody here wrote read what we write.
import { GuestFeed, type GuestSink } from '../../src/host/fanout/guestFeed';
import { SizeGroup } from '../../src/host/fanout/sizeGroup';
import type { Tmux } from '../../src/tmux/tmux';
import { AsciicastEncoder } from '../../src/wire/asciicast';
import { Screen, waitFor } from './screen';
import { capturePane } from './tmuxFixture';

export interface CastRecording {
  /** The header line, then one line per event so far. */
  readonly lines: string[];
  /** The output recorded so far, decoded. */
  output(): string;
  /**
   * Waits until the host's pane shows `marker` and the recorded output draws that pane (the
   * pane is the window: the recording's rows beyond it are tmux's status line).
   */
  settledOn(tmux: Tmux, session: string, marker: string): Promise<void>;
  /** Stops recording; returns the file's text (lines, each ending in a newline). */
  stop(): string;
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

export function recordSession(tmux: Tmux, sessionName: string, cols: number, rows: number): CastRecording {
  const enc = new AsciicastEncoder(2, steppingClock());
  const lines = [enc.header({ cols, rows, term: 'xterm-256color', shell: '/bin/sh', timestamp: Date.now() / 1000, title: 'test recording' })];
  const sink: GuestSink = {
    writable: true,
    writableLength: 0,
    write(data: Buffer, done: () => void) {
      const line = enc.output(data);
      if (line) lines.push(line);
      setImmediate(done);
      return true;
    },
    on: () => undefined,
  };
  const group = new SizeGroup({ tmux, sessionName, term: 'xterm-256color', cols, rows }, () => undefined);
  const member = { feed: new GuestFeed(sink), onGroupExit: () => undefined };
  group.add(member);
  let stopped = false;
  const output = (): string => lines.slice(1).map((l) => (JSON.parse(l) as [number, string, string])[2]).join('');
  return {
    lines,
    output,
    async settledOn(tmux: Tmux, session: string, marker: string) {
      await waitFor(`the recording to draw the host's pane with "${marker}"`, async () => {
        const pane = await capturePane(tmux, session);
        if (!pane.join('\n').includes(marker)) return false;
        return trimmed((await drawnScreen(output(), cols, rows)).slice(0, pane.length)) === trimmed(pane);
      }, 20_000);
    },
    stop() {
      if (!stopped) {
        stopped = true;
        group.remove(member);
        const end = enc.end();
        if (end) lines.push(end);
      }
      return lines.join('\n') + '\n';
    },
  };
}
