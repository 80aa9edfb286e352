// `watch --snapshot`: what a guest sees right now, as plain text lines. Connects once (no
// reconnect), renders the host's output in @xterm/headless, and stops when the screen has been
// quiet for a moment after the first output, or at the timeout.
import { Terminal } from '@xterm/headless';
import { WatchSession } from '../watcher/types';

export interface SnapshotResult {
  lines: string[];
  /** Why it stopped: the screen settled, the time ran out, or the broadcast ended. */
  stoppedBy: 'settled' | 'timeout' | 'ended';
}

/** How long the screen must stay unchanged to count as settled. */
export const SETTLE_MS = 400;

export function takeSnapshot(session: WatchSession, cols: number, rows: number, timeoutMs: number): Promise<SnapshotResult> {
  const term = new Terminal({ cols, rows, scrollback: 0, allowProposedApi: true });
  let writes = Promise.resolve();
  let outputAt = 0;
  session.onOutput((data) => {
    outputAt = Date.now();
    writes = writes.then(() => new Promise<void>((r) => term.write(data, r)));
  });

  return new Promise<SnapshotResult>((resolve, reject) => {
    const started = Date.now();
    let done = false;
    const finish = (stoppedBy: SnapshotResult['stoppedBy'] | Error): void => {
      if (done) return;
      done = true;
      clearInterval(poll);
      session.close();
      void writes.then(() => {
        const buffer = term.buffer.active;
        const lines: string[] = [];
        for (let y = 0; y < term.rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
        term.dispose();
        if (stoppedBy instanceof Error) reject(stoppedBy);
        else resolve({ lines, stoppedBy });
      });
    };
    // Polling (not a timer per chunk) keeps this bounded however fast output arrives.
    const poll = setInterval(() => {
      const now = Date.now();
      if (outputAt && now - outputAt >= SETTLE_MS) finish('settled');
      else if (now - started >= timeoutMs) finish(outputAt ? 'timeout' : new Error(`Nothing arrived from the host within ${Math.round(timeoutMs / 1000)} s.`));
    }, 50);
    session.onState((state) => {
      if (state.kind === 'ended') finish(outputAt ? 'ended' : new Error('The broadcast ended before anything was shown.'));
      else if (state.kind === 'error') finish(new Error(state.message));
    });
  });
}

/** Screen lines without the empty ones at the bottom. */
export function trimTrailingBlank(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1].trim() === '') end--;
  return lines.slice(0, end);
}
