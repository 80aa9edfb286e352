// Reading the system facts the doctor judges: passwd/shadow entries, PAM lines, `sshd -T`.
// The parsers are pure (unit-tested); the readers run the real programs.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export function parsePasswdLine(line: string): PasswdEntry | undefined {
  const f = line.trim().split(':');
  if (f.length < 7) return undefined;
  return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5], shell: f[6] };
}

/** Shells with which sshd cannot run a ForceCommand (it runs the command through the shell). */
export function isNoLoginShell(shell: string): boolean {
  return shell === '' || /(^|\/)(nologin|false)$/.test(shell);
}

/** What the shadow password field says: empty (log in with no password), locked, or set. */
export function passwordState(shadowField: string): 'empty' | 'locked' | 'set' {
  if (shadowField === '') return 'empty';
  if (shadowField.startsWith('!') || shadowField === '*') return 'locked';
  return 'set';
}

/** True when a PAM file has an active `auth ... pam_unix.so ... nullok` line. */
export function pamAllowsEmptyPasswords(pamText: string): boolean {
  return pamText.split('\n').some((raw) => {
    const line = raw.replace(/#.*/, '').trim();
    const words = line.split(/\s+/);
    return words[0] === 'auth' && words.some((w) => /(^|\/)pam_unix\.so$/.test(w)) && words.includes('nullok');
  });
}

/** Parses `sshd -T` output ("key value" per line, keys lower-case) into a map. Repeated keys keep all values joined by newlines. */
export function parseSshdT(output: string): Map<string, string> {
  const options = new Map<string, string>();
  for (const line of output.split('\n')) {
    const m = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const key = m[1].toLowerCase();
    options.set(key, options.has(key) ? `${options.get(key)}\n${m[2]}` : m[2]);
  }
  return options;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCommand(bin: string, args: string[], timeoutMs = 10_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(bin, args, { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
      resolve({ code, stdout, stderr: stderr || (error && typeof error.code !== 'number' ? error.message : '') });
    });
  });
}

export async function getentPasswd(user: string): Promise<PasswdEntry | undefined> {
  const r = await runCommand('getent', ['passwd', user]);
  return r.code === 0 ? parsePasswdLine(r.stdout) : undefined;
}

/** The shadow password field, or undefined when it cannot be read (not root) or there is no entry. */
export async function getentShadowPassword(user: string): Promise<string | undefined> {
  const r = await runCommand('getent', ['shadow', user]);
  if (r.code !== 0) return undefined;
  return r.stdout.trim().split(':')[1];
}

export function readTextIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Whether something (of `type`, when given) is mounted on `dir`, from /proc/mounts. */
export function isMounted(dir: string, type?: string): boolean {
  return (readTextIfExists('/proc/mounts') ?? '').split('\n').some((line) => {
    const [, where, fsType] = line.split(' ');
    return where === dir && (type === undefined || fsType === type);
  });
}
