// The bench's viewers all live in this process, on the host's machine; real guests render on their
// own machines. During the flood they would take a core from the host (200 screens decrypting and
// parsing megabytes), so while the cat runs the bench yields the CPU to the host: the viewers still
// read and render everything they are sent, only after the host's processes when both want it.
//
// Two mechanisms, because Linux has two levels of CPU sharing:
// - Autogroups (kernel.sched_autogroup_enabled, on by default): the scheduler first shares the CPU
//   between sessions, equally, and a nice value only counts inside its own session. So the bench
//   lowers its session's autogroup (/proc/self/autogroup), which any user may do and undo, and
//   every host-side process (the host, sshd) is started in a session of its own (detached), or it
//   would be lowered with the viewers.
// - Without autogroups, the thread's nice value counts. A child inherits it from the thread that
//   forks it, and only root may undo it, so it is used only as root, and only while no host-side
//   process is being started.
import { readFileSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { sleep } from './context';

/** The viewers' nice value during the cat (their autogroup's, or their thread's). */
export const VIEWER_NICE = 19;

const AUTOGROUP = '/proc/self/autogroup';

function autogroupsOn(): boolean {
  try {
    return readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1' && readFileSync(AUTOGROUP, 'utf8').length > 0;
  } catch {
    return false;
  }
}

/** "/autogroup-123 nice 0" -> 0. */
function autogroupNice(): number {
  const m = /nice (-?\d+)/.exec(readFileSync(AUTOGROUP, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** Without CAP_SYS_ADMIN the kernel takes one autogroup change per 100 ms (EAGAIN otherwise). */
async function setAutogroupNice(nice: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(AUTOGROUP, String(nice));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || attempt >= 5) throw error;
      await sleep(110);
    }
  }
}

export interface Yielded {
  /** How the viewers yield, for the report: "autogroup nice 19", "nice 19", or "not lowered: why". */
  how: string;
  lowered: boolean;
  restore(): Promise<void>;
}

/**
 * Lowers the viewers' priority until restore(). Must not be held while a host-side process is
 * started (route.start()): without autogroups it would inherit the thread's nice value.
 */
export async function yieldToHost(): Promise<Yielded> {
  if (autogroupsOn()) {
    const before = autogroupNice();
    await setAutogroupNice(VIEWER_NICE);
    // If the bench ends mid-cat (Ctrl-C ends through process.exit), the session it ran in gets its priority back.
    const onExit = (): void => {
      try {
        writeFileSync(AUTOGROUP, String(before));
      } catch {
        // rate-limited or gone: the session keeps the lower priority until it ends
      }
    };
    process.once('exit', onExit);
    return {
      how: `autogroup nice ${VIEWER_NICE}`,
      lowered: true,
      restore: async () => {
        process.removeListener('exit', onExit);
        await setAutogroupNice(before);
      },
    };
  }
  if (process.getuid?.() === 0) {
    setPriority(VIEWER_NICE);
    return { how: `nice ${VIEWER_NICE}`, lowered: true, restore: async () => setPriority(0) };
  }
  return {
    how: 'not lowered: no autogroups, and a nice value needs root to undo',
    lowered: false,
    restore: async () => undefined,
  };
}
