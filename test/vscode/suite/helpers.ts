// Small helpers for the suite inside VS Code: the extension's API, settings, temp sockets,
// a read-only guest running in its own pseudo-terminal, and bounded waiting.
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { GuestBroadcastApi } from '../../../src/ui/api';
import { shellCommand } from '../../../src/tmux/attach';
import { listClients } from '../../../src/tmux/clients';
import { Tmux } from '../../../src/tmux/tmux';
import { TMP_ENV } from './contract';

export const EXTENSION_ID = 'guest-broadcast.guest-broadcast';

export async function extensionApi(): Promise<GuestBroadcastApi> {
  const extension = vscode.extensions.getExtension<GuestBroadcastApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

/** Sets guestBroadcast.* user settings (undefined removes one). */
export async function setSettings(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('guestBroadcast');
  for (const [key, value] of Object.entries(values)) {
    await config.update(key, value, vscode.ConfigurationTarget.Global);
  }
}

export const ALL_SETTINGS = ['mode', 'socketPath', 'sessionName', 'guestUser', 'sshPort', 'listen', 'access', 'authorizedKeysFile', 'maxViewers', 'maxConnectionsPerAddress', 'loginTimeout', 'maxSizeGroups', 'notifyOnJoin', 'web', 'webCert', 'webKey', 'relay', 'relayId'];

/**
 * Back to defaults, except the socket: it points at a fresh unused path, so nothing the
 * extension does later (start-up adoption, a Stop with nothing running) can reach a real
 * broadcast on the machine's default socket.
 */
export async function resetSettings(): Promise<void> {
  await setSettings(Object.fromEntries(ALL_SETTINGS.map((k) => [k, undefined])));
  await setSettings({ socketPath: join(socketDir('gb-unused-'), 'guest') });
}

/**
 * A fresh folder for sockets: inside the harness's temp folder when there is one (the harness
 * ends any tmux server left there), else under the system temp folder. Traversable by other
 * users (0711), as a guest account needs.
 */
export function socketDir(prefix: string): string {
  const dir = mkdtempSync(join(process.env[TMP_ENV] || tmpdir(), prefix));
  chmodSync(dir, 0o711);
  return dir;
}

/** Waits until `check` returns a truthy value; bounded by `timeoutMs`. */
import { waitFor as waitUntil } from '../../helpers/wait';
export { waitUntil };

/**
 * A program that needs a terminal (a tmux client, ssh) started from outside VS Code, in a
 * pseudo-terminal of its own made by util-linux `script`, so the suite does not load node-pty.
 */
export class TerminalProgram {
  private readonly child: ChildProcess;
  output = '';
  exitCode: number | null | undefined;

  constructor(argv: string[], size = { cols: 100, rows: 30 }) {
    const command = `stty cols ${size.cols} rows ${size.rows}; exec ${shellCommand(argv)}`;
    this.child = spawn('script', ['-qfec', command, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, TERM: 'xterm-256color', LANG: 'C.UTF-8', TMUX: undefined },
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.on('exit', (code) => (this.exitCode = code));
  }

  /** Types into the program's terminal. */
  type(text: string): void {
    this.child.stdin?.write(text);
  }

  /** Ends the program: its pseudo-terminal closes and the client sees a hang-up. */
  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.child.kill('SIGTERM');
    await waitUntil('the program to exit', () => this.exitCode !== undefined, 5000).catch(() => this.child.kill('SIGKILL'));
  }
}

/** A loopback port nobody listens on right now (the embedded server binds it next). */
export { freePort } from '../../helpers/freePort';

/** argv of the real OpenSSH client as a guest: no known_hosts of the user's touched, no agent. */
export function sshGuestArgv(port: number, user: string, extra: string[] = []): string[] {
  return [
    'ssh', '-tt', '-p', String(port),
    '-F', '/dev/null',
    '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'LogLevel=ERROR', '-o', 'IdentityAgent=none', '-o', 'PubkeyAuthentication=no',
    ...extra,
    `${user}@127.0.0.1`,
  ];
}

/** Waits until the host terminal's read-write tmux client is attached to the broadcast. */
export async function hostTerminalAttached(api: GuestBroadcastApi, tmux: Tmux): Promise<void> {
  assert.equal(api.hostTerminal?.name, 'Guest Broadcast (host)', 'no host terminal is open');
  await waitUntil('the host terminal to attach read-write', async () => (await listClients(tmux)).some((c) => !c.readOnly), 15_000);
}
