// The host canary, for tests that check something a guest sent did NOT reach the host's pane.
// A wait alone proves little: keys still on their way would land after the check. So after the
// negative check the host types a line whose output differs from its text and waits for that
// output: the line must stand in the pane exactly as typed after the prompt (nothing a guest sent
// sat in the input line, or was run in its place) and its output must follow. Callers repeat
// their negative check afterwards.
import assert from 'node:assert/strict';
import type { Tmux } from '../../src/tmux/tmux';
import { capturePane, typeLine } from './tmuxFixture';
import { waitFor } from './wait';

let canaries = 0;

/** The canary's typed line and the output it must produce (different text: the shell ran it). */
export function nextCanary(): { line: string; output: string } {
  const n = ++canaries;
  return { line: `echo canary-${process.pid}-${n}-$((${n}*7))`, output: `canary-${process.pid}-${n}-${n * 7}` };
}

/**
 * Types the canary into `target` as the host and asserts it ran alone. Returns its output, for a
 * viewer to wait for. `prompt` is the shell's prompt (TEST_SHELL's by default).
 */
export async function hostCanary(tmux: Tmux, target: string, prompt = 'host$ '): Promise<string> {
  const { line, output } = nextCanary();
  await typeLine(tmux, target, line);
  let pane: string[] = [];
  // Done when the output shows, or when a prompt came back without it (something else ran).
  await waitFor(`the host's canary output "${output}"`, async () => {
    pane = (await capturePane(tmux, target)).map((l) => l.trimEnd());
    const typedAt = pane.findIndex((l) => l.includes(line));
    return pane.includes(output) || (typedAt >= 0 && pane.slice(typedAt + 1).some((l) => l.startsWith(prompt.trimEnd())));
  });
  assert.ok(pane.includes(`${prompt}${line}`), `the host's canary line did not run alone:\n${pane.join('\n')}`);
  assert.equal(pane[pane.indexOf(`${prompt}${line}`) + 1], output, `something ran between the host's canary line and its output:\n${pane.join('\n')}`);
  return output;
}
