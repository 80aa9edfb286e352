// Running the setup script: as root only, through /bin/sh reading the script on stdin, so the text
// that runs is byte for byte the text `--print` shows.
import { spawn } from 'node:child_process';
import { GuestSetupError, GuestSetupOptions } from './options';
import { guestSetupScript } from './setupScript';
import { guestUndoScript } from './undoScript';

export interface ApplyResult {
  exitCode: number;
  /** Everything the script printed (stdout and stderr interleaved), for logs and test messages. */
  output: string;
}

export interface ApplyOptions {
  /** Receives the script's output as it runs (the CLI passes process.stdout/stderr writers). */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  timeoutMs?: number;
}

export function isRootUser(): boolean {
  return process.getuid?.() === 0;
}

export async function applyGuestSetup(o: GuestSetupOptions, options: ApplyOptions = {}): Promise<ApplyResult> {
  if (!isRootUser()) {
    throw new GuestSetupError('Setting up the guest account changes users and sshd_config, so it needs root: rerun it as root (sudo guest-broadcast setup-guest --apply ...), or review it first with --print.');
  }
  return runRootScript(guestSetupScript(o), options);
}

/** Runs the undo of the setup (`setup-guest --undo`): the same rules as applying it. */
export async function undoGuestSetup(o: GuestSetupOptions, options: ApplyOptions = {}): Promise<ApplyResult> {
  if (!isRootUser()) {
    throw new GuestSetupError('Undoing the guest account setup changes users and sshd_config, so it needs root: rerun it as root (sudo guest-broadcast setup-guest --undo ...), or review it first with --undo --print.');
  }
  return runRootScript(guestUndoScript(o), options);
}

function runRootScript(script: string, options: ApplyOptions): Promise<ApplyResult> {
  return new Promise<ApplyResult>((resolve, reject) => {
    const child = spawn('/bin/sh', ['-s'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs ?? 120_000);
    const collect = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      options.onOutput?.(text, stream);
    };
    child.stdout.on('data', collect('stdout'));
    child.stderr.on('data', collect('stderr'));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? (signal ? 128 : 1), output });
    });
    child.stdin.end(script);
  });
}
