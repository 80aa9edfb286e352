// A throwaway broadcast for tests: its own socket in a temp folder, no user tmux config,
// a plain shell, and helpers to read and drive the host's pane.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tmux } from '../../src/tmux/tmux';

export interface TempSocket {
  dir: string;
  socketPath: string;
  tmux: Tmux;
  cleanup(): Promise<void>;
}

/** A socket path in a fresh folder; cleanup() kills that server and removes the folder. */
export function tempSocket(prefix = 'gb-test-', parent = tmpdir()): TempSocket {
  const dir = mkdtempSync(join(parent, prefix));
  const socketPath = join(dir, 'sock', 'guest');
  const tmux = new Tmux(socketPath);
  return {
    dir,
    socketPath,
    tmux,
    async cleanup() {
      await tmux.killServer().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The host pane's visible text. */
export async function capturePane(tmux: Tmux, target: string): Promise<string[]> {
  const out = await tmux.run(['capture-pane', '-p', '-t', target]);
  return out.replace(/\n$/, '').split('\n');
}

/** Types text into the host's pane as the host would (literal keys, then Enter). */
export async function typeLine(tmux: Tmux, target: string, text: string): Promise<void> {
  await tmux.run(['send-keys', '-t', target, '-l', text]);
  await tmux.run(['send-keys', '-t', target, 'Enter']);
}

export async function windowSize(tmux: Tmux, target: string): Promise<{ cols: number; rows: number }> {
  const out = await tmux.run(['display-message', '-p', '-t', target, '#{window_width} #{window_height}']);
  const [cols, rows] = out.trim().split(' ').map(Number);
  return { cols, rows };
}

/** A shell for test sessions that does not read the user's rc files: predictable prompt. */
export const TEST_SHELL = "env PS1='host$ ' /bin/sh";
