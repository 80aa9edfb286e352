// Whether a process still runs, for the places that hold a PID from elsewhere: the tmux server
// (tmux.ts, broadcast.ts) and an embedded broadcast's host process (statusReader.ts).
import { readFileSync } from 'node:fs';

/**
 * True while `pid` is a live process (one of another user counts as live). A zombie has exited:
 * the daemonized server's new parent may be slow to reap it.
 */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/PID/stat: "pid (comm) STATE ...", comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): kill(0) said it exists
  }
}
