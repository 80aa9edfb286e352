// Proportional set size (PSS) of process trees, from /proc/PID/smaps_rollup. PSS splits each
// shared page among the processes that map it, so summing it over many tmux clients or sshd
// children counts shared libraries once overall instead of once per process.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** What the process is, for the per-component breakdown: "node", "tmux server", "tmux client", "sshd", "shell", ... */
  kind: string;
}

export interface PssReport {
  totalKiB: number;
  /** Unique set size (private pages only): what ending these processes would free. */
  ussKiB: number;
  processes: number;
  /** KiB and process count per kind. */
  byKind: Record<string, { kib: number; count: number }>;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

/** ppid from /proc/PID/stat; the command name may hold spaces and parentheses, so parse after the last ')'. */
function parentOf(pid: number): number | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[1]);
}

export function classify(comm: string): string {
  // tmux names its processes (comm) "tmux: server" and "tmux: client"; its argv stays as typed.
  if (comm === 'tmux: server') return 'tmux server';
  if (comm === 'tmux: client' || comm === 'tmux') return 'tmux client';
  if (comm === 'sshd') return 'sshd';
  if (comm === 'node' || comm === 'MainThread') return 'node';
  if (['sh', 'dash', 'bash', 'env'].includes(comm)) return 'shell';
  return comm || 'other';
}

function describe(pid: number, ppid: number): ProcessInfo {
  const comm = (readText(`/proc/${pid}/comm`) ?? '').trim();
  return { pid, ppid, kind: classify(comm) };
}

/** Every process whose ancestry reaches one of `roots`, roots included (each once). */
export function processTree(roots: readonly number[]): ProcessInfo[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const ppid = parentOf(pid);
    if (ppid === undefined) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const seen = new Set<number>();
  const out: ProcessInfo[] = [];
  const stack = roots.filter((pid) => readText(`/proc/${pid}/stat`) !== undefined).map((pid) => ({ pid, ppid: parentOf(pid) ?? 0 }));
  while (stack.length) {
    const { pid, ppid } = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    out.push(describe(pid, ppid));
    for (const child of children.get(pid) ?? []) stack.push({ pid: child, ppid: pid });
  }
  return out;
}

/** Pss and Uss (Private_Clean + Private_Dirty) of one process in KiB; undefined when it is gone or not readable. */
export function memoryKiB(pid: number): { pss: number; uss: number } | undefined {
  const text = readText(`/proc/${pid}/smaps_rollup`);
  if (!text) return undefined;
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  const pss = field('Pss');
  if (!Number.isFinite(pss)) return undefined;
  return { pss, uss: (field('Private_Clean') || 0) + (field('Private_Dirty') || 0) };
}

export function measurePss(roots: readonly number[]): PssReport {
  const report: PssReport = { totalKiB: 0, ussKiB: 0, processes: 0, byKind: {} };
  for (const proc of processTree(roots)) {
    const mem = memoryKiB(proc.pid);
    if (mem === undefined) continue;
    const kib = mem.pss;
    report.totalKiB += kib;
    report.ussKiB += mem.uss;
    report.processes += 1;
    const entry = (report.byKind[proc.kind] ??= { kib: 0, count: 0 });
    entry.kib += kib;
    entry.count += 1;
  }
  return report;
}
