// Is an sshd running that guests can reach, with the config the doctor checked? The addresses come
// from `sshd -T` (what sshd would really listen on), the listening sockets from /proc/net/tcp{,6},
// and which program owns each socket from /proc/PID/fd (readable for every process only as root).
// Also says how to start or reload sshd on this machine: systemd where it runs (sd_booted: the
// folder /run/systemd/system exists), else the init script through `service`, else sshd itself.
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { asRoot } from './asRoot';
import { DEFAULT_SSHD_CONFIG } from './options';
import { readTextIfExists } from './systemFacts';

export interface ListenAddress {
  /** "127.0.0.1", "0.0.0.0", "::" ... */
  host: string;
  port: number;
}

export interface TcpListener extends ListenAddress {
  inode: number;
}

export interface SshdProcess {
  pid: number;
  /** The config it reads (-f, else the default). */
  configPath: string;
  /** When it started, in ms since the epoch. */
  startedAt: number;
}

/** The `listenaddress` lines of `sshd -T` ("127.0.0.1:2222", "[::]:22") as host and port. */
export function parseListenAddresses(values: string | undefined): ListenAddress[] {
  const out: ListenAddress[] = [];
  for (const value of (values ?? '').split('\n')) {
    const m = /^\[?([^\]\s]*?)\]?:(\d+)(?:\s|$)/.exec(value.trim());
    if (m) out.push({ host: m[1], port: Number(m[2]) });
  }
  return out;
}

/** Where a config would listen when `sshd -T` cannot run (not root): Port/ListenAddress before any Match, no Includes. */
export function listenAddressesFromConfigText(text: string): ListenAddress[] {
  const ports: number[] = [];
  const hosts: { host: string; port?: number }[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const [key, value] = line.split(/\s+/, 2);
    if (!key) continue;
    const k = key.toLowerCase();
    if (k === 'match') break;
    if (k === 'port' && /^\d+$/.test(value ?? '')) ports.push(Number(value));
    if (k === 'listenaddress' && value) {
      const m = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(value);
      if (m) hosts.push({ host: m[1], port: m[2] ? Number(m[2]) : undefined });
    }
  }
  const defaultPorts = ports.length ? ports : [22];
  if (!hosts.length) return defaultPorts.map((port) => ({ host: '0.0.0.0', port }));
  return hosts.flatMap((h) => (h.port ? [{ host: h.host, port: h.port }] : defaultPorts.map((port) => ({ host: h.host, port }))));
}

function hexToIpv4(hex: string): string {
  // /proc/net/tcp writes the address as one little-endian 32-bit word.
  return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
}

function hexToIpv6(hex: string): string {
  // Four little-endian 32-bit words; enough to tell "::" and "::1" from other addresses.
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) for (let b = 3; b >= 0; b--) bytes.push(parseInt(hex.slice(w * 8 + b * 2, w * 8 + b * 2 + 2), 16));
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  const text = groups.join(':');
  if (text === '0:0:0:0:0:0:0:0') return '::';
  if (text === '0:0:0:0:0:0:0:1') return '::1';
  return text;
}

/** The LISTEN sockets of a /proc/net/tcp or tcp6 file. */
export function parseProcNetTcp(text: string, v6: boolean): TcpListener[] {
  const out: TcpListener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== '0A') continue;
    const [addr, port] = f[1].split(':');
    out.push({ host: v6 ? hexToIpv6(addr) : hexToIpv4(addr), port: parseInt(port, 16), inode: Number(f[9]) });
  }
  return out;
}

export function tcpListeners(): TcpListener[] {
  return [
    ...parseProcNetTcp(readTextIfExists('/proc/net/tcp') ?? '', false),
    ...parseProcNetTcp(readTextIfExists('/proc/net/tcp6') ?? '', true),
  ];
}

/** Whether a socket listening on `l` accepts connections for the configured address `want`. */
export function listenerServes(l: ListenAddress, want: ListenAddress): boolean {
  if (l.port !== want.port) return false;
  if (l.host === want.host || l.host === '::') return true;
  return l.host === '0.0.0.0' && !want.host.includes(':');
}

/** The config an sshd command line reads: the word after -f, else the default. */
export function sshdConfigOfCommandLine(argv: string[]): string {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-f' && argv[i + 1]) return argv[i + 1];
    if (argv[i].startsWith('-f') && argv[i].length > 2 && !argv[i].startsWith('--')) return argv[i].slice(2);
  }
  return DEFAULT_SSHD_CONFIG;
}

/** Boot time in ms since the epoch, from /proc/uptime (10 ms precision; btime in /proc/stat is whole seconds). */
function bootTimeMs(): number {
  const uptime = Number((readTextIfExists('/proc/uptime') ?? '0').split(' ')[0]);
  return Date.now() - uptime * 1000;
}

/** The process with `pid`, when it is a listening sshd (not a per-connection child). */
function sshdProcess(pid: number, bootMs: number): SshdProcess | undefined {
  try {
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'sshd') return undefined;
    // sshd rewrites its title ("sshd: /usr/sbin/sshd -D -f CONFIG [listener] ..."): split words.
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]+/).filter(Boolean);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, in clock ticks since boot); fields counted after the ")" of comm.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return { pid, configPath: sshdConfigOfCommandLine(argv), startedAt: bootMs + (ticks * 1000) / 100 };
  } catch {
    return undefined;
  }
}

/** inode -> owning PID for the sockets in `inodes`, as far as /proc lets us see. */
function socketOwners(inodes: Set<number>): Map<number, number> {
  const owners = new Map<number, number>();
  if (!inodes.size) return owners;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`));
        if (m && inodes.has(Number(m[1])) && !owners.has(Number(m[1]))) owners.set(Number(m[1]), Number(entry));
      } catch {
        // closed meanwhile
      }
    }
  }
  return owners;
}

function processName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return `PID ${pid}`;
  }
}

export interface ServiceFacts {
  systemd: boolean;
  initScript: boolean;
}

export function serviceFacts(): ServiceFacts {
  return { systemd: existsSync('/run/systemd/system'), initScript: existsSync('/etc/init.d/ssh') };
}

/** How to start an sshd reading `configPath` on this machine. */
export function startSshdCommand(configPath: string, sshdPath: string, facts: ServiceFacts = serviceFacts()): string {
  if (configPath === DEFAULT_SSHD_CONFIG && facts.systemd) return asRoot('systemctl start ssh');
  if (configPath === DEFAULT_SSHD_CONFIG && facts.initScript) return asRoot('service ssh start');
  return asRoot(configPath === DEFAULT_SSHD_CONFIG ? sshdPath : `${sshdPath} -f ${configPath}`);
}

/** How to make the running sshd `pid` read its config again (existing sessions stay up). */
export function reloadSshdCommand(configPath: string, pid: number, facts: ServiceFacts = serviceFacts()): string {
  if (configPath === DEFAULT_SSHD_CONFIG && facts.systemd) return asRoot('systemctl reload ssh');
  if (configPath === DEFAULT_SSHD_CONFIG && facts.initScript) return asRoot('service ssh reload');
  return asRoot(`kill -HUP ${pid}`);
}

export interface SshdServiceCheck {
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  fix?: string;
}

/**
 * Judges whether an sshd listens where `configPath` says and runs that config; warns when it
 * started before the config last changed (it may need a reload).
 */
export function checkSshdService(configPath: string, sshdPath: string, want: ListenAddress[]): SshdServiceCheck {
  const where = want.map((a) => (a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`)).join(', ');
  const start = startSshdCommand(configPath, sshdPath);
  const listeners = tcpListeners();
  const serving = want.map((a) => listeners.filter((l) => listenerServes(l, a)));
  if (serving.every((ls) => ls.length === 0)) {
    return { status: 'fail', detail: `Nothing listens on ${where}: sshd is not running with ${configPath}, so guests cannot connect.`, fix: `Start it: ${start}` };
  }
  const owners = socketOwners(new Set(serving.flat().map((l) => l.inode)));
  const bootMs = bootTimeMs();
  const found: SshdProcess[] = [];
  const others: string[] = [];
  for (const [i, ls] of serving.entries()) {
    for (const l of ls) {
      const pid = owners.get(l.inode);
      if (pid === undefined) continue;
      const sshd = sshdProcess(pid, bootMs);
      if (sshd) found.push(sshd);
      else others.push(`${processName(pid)} (PID ${pid}) listens on port ${want[i].port}`);
    }
  }
  if (!found.length && others.length) {
    return { status: 'fail', detail: `${others.join('; ')}, not sshd: guests would reach the wrong program.`, fix: `Stop it or choose another Port in ${configPath}, then start sshd: ${start}` };
  }
  const missing = want.filter((_, i) => serving[i].length === 0);
  if (!found.length) {
    // Not root: the owners of other users' sockets are hidden.
    return { status: 'warn', detail: `Something listens on ${where}, but only root can see whether it is sshd.`, fix: 'Run the doctor as root to check it.' };
  }
  const sshd = found[0];
  if (sshd.configPath !== configPath) {
    return { status: 'warn', detail: `The sshd listening on ${where} (PID ${sshd.pid}) reads ${sshd.configPath}, not ${configPath}.`, fix: `Check the config it reads (--sshd-config ${sshd.configPath}), or start one with this config: ${start}` };
  }
  let changedAt = 0;
  try {
    changedAt = statSync(configPath).mtimeMs;
  } catch {
    // unreadable: judged by the sshd_config check
  }
  // A reload (SIGHUP) re-executes sshd in the same process, so its start time cannot prove that
  // it still runs the old config: a warning, not a failure. starttime and uptime count 10 ms
  // clock ticks: allow a few.
  if (changedAt > sshd.startedAt + 50) {
    return { status: 'warn', detail: `sshd (PID ${sshd.pid}) started before ${configPath} last changed: unless it was reloaded since, new logins still get the old config.`, fix: `Reload it: ${reloadSshdCommand(configPath, sshd.pid)}` };
  }
  if (missing.length) {
    return { status: 'warn', detail: `sshd (PID ${sshd.pid}) runs, but nothing listens on ${missing.map((a) => `${a.host}:${a.port}`).join(', ')}.`, fix: `Restart it so it listens everywhere its config says: ${reloadSshdCommand(configPath, sshd.pid)}` };
  }
  return { status: 'ok', detail: `sshd (PID ${sshd.pid}) listens on ${where} with ${configPath}` };
}
