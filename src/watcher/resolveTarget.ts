// From what a person typed to where to connect: parse `[user@]host[:port]` (or a list of them), then fill the gaps
// from ~/.ssh/config like OpenSSH does (what was typed wins over the config, the config wins
// over the defaults: user `guest`, port 22).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { expandSshPath, loadSshConfig, lookupSshConfig } from './sshConfig';
import { parseTargetList } from './targetList';
import { DEFAULT_PORT, DEFAULT_USER, parsePort, TargetError, TargetSpec } from './targetSpec';
import { WatchEndpoint, WatchTarget } from './types';

export interface ResolveOptions {
  /** Home folder for ~/.ssh (default: os.homedir()). */
  home?: string;
  /** ssh config to read (default: HOME/.ssh/config); null: read none. */
  sshConfigPath?: string | null;
  /** A port given separately (the CLI's --port); a port in the spec itself wins. */
  port?: number;
  /** Identity files given separately (the CLI's --identity); tried before the config's. */
  identityFiles?: string[];
}

/**
 * Resolves what a person typed: one `[user@]host[:port]`, or a list of servers to fail over to
 * (`ID@r1:2223,r2:2223`, targetList.ts), each entry resolved on its own like a single target.
 */
export async function resolveTarget(spec: string, options: ResolveOptions = {}): Promise<WatchTarget> {
  const [first, ...rest] = parseTargetList(spec).map((parsed) => resolveOne(parsed, options));
  return { label: spec.trim(), ...first, ...(rest.length ? { alternates: rest } : {}) };
}

function resolveOne(parsed: TargetSpec, options: ResolveOptions): WatchEndpoint {
  const home = options.home ?? homedir();
  const configPath = options.sshConfigPath === undefined ? join(home, '.ssh', 'config') : options.sshConfigPath;
  const fromConfig = configPath ? lookupSshConfig(loadSshConfig(configPath, home), parsed.host) : { identityFiles: [], userKnownHostsFiles: [] };

  const host = fromConfig.hostName ? fromConfig.hostName.replace(/%h/g, parsed.host) : parsed.host;
  let port = parsed.port ?? options.port;
  if (port === undefined && fromConfig.port !== undefined) {
    try {
      port = parsePort(fromConfig.port, `Port for "${parsed.host}" in ${configPath}`);
    } catch (error) {
      throw new TargetError(`${(error as Error).message} Fix the ssh config.`);
    }
  }
  port ??= DEFAULT_PORT;
  const user = parsed.user ?? fromConfig.user ?? DEFAULT_USER;
  const ctx = { home, host, port, user, alias: parsed.host };
  const identityFiles = [...(options.identityFiles ?? []), ...fromConfig.identityFiles.map((p) => expandSshPath(p, ctx))];
  return {
    host,
    port,
    user,
    identityFiles: [...new Set(identityFiles)],
    ...(fromConfig.userKnownHostsFiles.length ? { knownHostsFiles: fromConfig.userKnownHostsFiles.map((p) => expandSshPath(p, ctx)) } : {}),
  };
}
