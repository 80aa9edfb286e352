// A second session on a broadcast server, alive for the length of an attack. The server kills any
// other session the moment it is created (the session-created hook in
// src/tmux/broadcastSession.ts), so a test that wants to see whether a guest can reach one
// (C-b ) ( L, attach -t) must get it past that hook: it takes the hook off for the one
// new-session, then puts the product's own hook back, so everything else the attack meets (the
// detach-a-stray-guest hook above all) is exactly what a broadcast runs. This stands for a session
// that got in anyway (a host's habit on an older server, a race), which is what the second line
// of defence is for.
import { hardeningCommands } from '../../src/tmux/broadcastSession';
import { Tmux } from '../../src/tmux/tmux';
import { waitFor } from './screen';

/** Printed by the second session's pane; computed, so the literal only ever appears as output. */
export const SECOND_SESSION_SECRET = 'secret-text-42';

/** Runs `attack` while a session named `name` with a secret on screen exists beside `sessionName`. */
export async function withSecondSession<T>(tmux: Tmux, sessionName: string, attack: () => Promise<T>, name = 'second'): Promise<T> {
  const restoreHook = hardeningCommands(sessionName).find((c) => c[0] === 'set-hook' && c.includes('session-created'));
  if (!restoreHook) throw new Error('no session-created hook among the hardening commands');
  // Two invocations: tmux runs a hook after the command list that fired it, so a hook put back
  // in the same list would still kill the new session.
  await tmux.run(['set-hook', '-gu', 'session-created', ';', 'new-session', '-d', '-s', name, '-x', '80', '-y', '24', 'echo secret-text-$((6*7)); exec sleep 600']);
  try {
    await tmux.run(restoreHook);
    await waitFor('the second session to show its secret', async () => (await tmux.run(['capture-pane', '-p', '-t', `=${name}:`])).includes(SECOND_SESSION_SECRET));
    return await attack();
  } finally {
    await tmux.run(['kill-session', '-t', `=${name}`]).catch(() => undefined);
  }
}
