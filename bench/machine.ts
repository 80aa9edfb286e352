// The machine a run measured: the figures only compare within one run, but a reader of the JSON
// needs to know what produced them.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryMiB: number;
  kernel: string;
  node: string;
  tmux: string;
  /** `ssh -V` (the client and sshd come from the same OpenSSH build on Debian). */
  openssh: string;
  ssh2: string;
  xtermHeadless: string;
  /** 1-minute load average when the run started and ended: other work on the machine skews tails. */
  loadAverage: { start: number; end?: number };
}

/** First line a program prints for its version; `ssh -V` writes it to stderr. */
function versionOf(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 5000 });
  if (r.error) return 'not found';
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n')[0] || 'unknown';
}

function packageVersion(name: string): string {
  try {
    // out/bench/machine.js -> the project's node_modules
    const file = join(__dirname, '..', '..', 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function currentLoad(): number {
  return loadavg()[0];
}

export function machineInfo(): MachineInfo {
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    kernel: release(),
    node: process.version,
    tmux: versionOf('tmux', ['-V']),
    openssh: versionOf('ssh', ['-V']),
    ssh2: packageVersion('ssh2'),
    xtermHeadless: packageVersion('@xterm/headless'),
    loadAverage: { start: loadavg()[0] },
  };
}
