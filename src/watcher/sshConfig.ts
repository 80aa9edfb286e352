// Reads ~/.ssh/config with the `ssh-config` package, as OpenSSH would for one host: HostName,
// Port, User, IdentityFile, UserKnownHostsFile. `Match exec` is never run: watching a host must
// not execute commands from a config file. `Include` is followed (sshConfigInclude.ts).
import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import SSHConfig from 'ssh-config';
import { followIncludes } from './sshConfigInclude';

export interface SshConfigHost {
  hostName?: string;
  port?: string;
  user?: string;
  identityFiles: string[];
  userKnownHostsFiles: string[];
}

/** One config file, parsed; a missing top-level file is an empty config. Errors name the file. */
function parseFile(path: string, missingIsEmpty: boolean): SSHConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (missingIsEmpty && (error as NodeJS.ErrnoException).code === 'ENOENT') return SSHConfig.parse('');
    throw new Error(`Cannot read the ssh config ${path}: ${(error as Error).message}`);
  }
  try {
    return SSHConfig.parse(text);
  } catch (error) {
    throw new Error(`Cannot parse the ssh config ${path}: ${(error as Error).message}. Fix the file or pass the host as user@host:port.`);
  }
}

/**
 * The parsed config with its Include files, or an empty one when the file does not exist.
 * `home` is where `~` and relative Include patterns (HOME/.ssh/...) point.
 */
export function loadSshConfig(path: string, home = homedir()): SSHConfig {
  return followIncludes(parseFile(path, true), { home, parse: (file) => parseFile(file, false) });
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function all(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  // UserKnownHostsFile may list several files on one line.
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(/\s+/)).filter(Boolean);
}

/** What the config says about `alias` (the name as typed, before HostName). */
export function lookupSshConfig(config: SSHConfig, alias: string): SshConfigHost {
  const computed = config.compute(alias, { ignoreCase: true, matchExec: false });
  return {
    hostName: first(computed.hostname),
    port: first(computed.port),
    user: first(computed.user),
    identityFiles: all(computed.identityfile),
    userKnownHostsFiles: all(computed.userknownhostsfile),
  };
}

/**
 * Expands `~` and the tokens OpenSSH allows in IdentityFile / UserKnownHostsFile paths:
 * %d home, %u local user, %h host, %p port, %r remote user, %n original name, %% a percent.
 */
export function expandSshPath(path: string, ctx: { home: string; host: string; port: number; user: string; alias: string }): string {
  let out = path.replace(/^~(?=\/|$)/, ctx.home);
  out = out.replace(/%([%dhuprn])/g, (_m, token: string) => {
    switch (token) {
      case 'd': return ctx.home;
      case 'u': return userInfo().username;
      case 'h': return ctx.host;
      case 'p': return String(ctx.port);
      case 'r': return ctx.user;
      case 'n': return ctx.alias;
      default: return '%';
    }
  });
  return isAbsolute(out) ? out : join(ctx.home, '.ssh', out);
}

/**
 * The concrete `Host` aliases in a config (no wildcards, no negations), for the sidebar's list
 * of hosts the user already knows.
 */
export function listSshConfigAliases(config: SSHConfig): string[] {
  const names = new Set<string>();
  for (const line of config) {
    if (line.type !== SSHConfig.DIRECTIVE || line.param.toLowerCase() !== 'host') continue;
    const values = typeof line.value === 'string' ? line.value.split(/\s+/) : line.value.map((v) => v.val);
    for (const name of values) if (name && !/[*?!]/.test(name)) names.add(name);
  }
  return [...names];
}

/** The aliases of HOME/.ssh/config (none when the file is missing), for the hosts sidebar. */
export function readSshConfigAliases(home: string): string[] {
  return listSshConfigAliases(loadSshConfig(join(home, '.ssh', 'config'), home));
}
