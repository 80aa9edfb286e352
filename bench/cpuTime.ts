// CPU time of the broadcast's processes, from /proc/PID/task/TID/schedstat (nanoseconds on the
// CPU, every thread): what a measurement cost the machine, which wall time on a shared machine
// only hints at. Split the way the flood reports it: the tmux server (the host's own terminal
// work), and everything that serves the viewers (the embedded host process and its tmux clients,
// or sshd and its children). The host session's own commands (the shell, the cat) are left out.
import { readdirSync, readFileSync } from 'node:fs';
import { processTree } from './pss';

export interface CpuSample {
  /** ns per pid. */
  tmux: Map<number, number>;
  serving: Map<number, number>;
}

function processCpuNs(pid: number): number | undefined {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    return ns;
  } catch {
    return undefined; // ended meanwhile
  }
}

/**
 * Reads the CPU time so far of the tmux server `tmuxPid` and of the trees under `servingRoots`
 * (the tmux server's own descendants, the host session's commands, excluded).
 */
export function sampleCpu(tmuxPid: number, servingRoots: readonly number[]): CpuSample {
  const tmux = new Map<number, number>();
  const ns = processCpuNs(tmuxPid);
  if (ns !== undefined) tmux.set(tmuxPid, ns);
  const serving = new Map<number, number>();
  // processTree lists a parent before its children: the tmux server's subtree is skipped whole.
  const skipped = new Set<number>([tmuxPid]);
  for (const p of processTree(servingRoots)) {
    if (skipped.has(p.pid) || skipped.has(p.ppid)) {
      skipped.add(p.pid);
      continue;
    }
    const cpu = processCpuNs(p.pid);
    if (cpu !== undefined) serving.set(p.pid, cpu);
  }
  return { tmux, serving };
}

/** CPU ms used between two samples; a process that started in between counts from its start. */
export function cpuMsBetween(before: CpuSample, after: CpuSample): { tmuxMs: number; servingMs: number } {
  const used = (a: Map<number, number>, b: Map<number, number>): number => {
    let ns = 0;
    for (const [pid, end] of b) ns += end - (a.get(pid) ?? 0);
    return ns / 1e6;
  };
  return { tmuxMs: used(before.tmux, after.tmux), servingMs: used(before.serving, after.serving) };
}

/** CPU ns so far of every process in the trees under `roots` (a relay, nats-server): for differences. */
export function treeCpuNs(roots: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of processTree(roots)) {
    const cpu = processCpuNs(p.pid);
    if (cpu !== undefined) out.set(p.pid, cpu);
  }
  return out;
}

/** CPU ms between two treeCpuNs readings (a process started in between counts from its start). */
export function treeCpuMsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ns = 0;
  for (const [pid, end] of after) ns += end - (before.get(pid) ?? 0);
  return ns / 1e6;
}
