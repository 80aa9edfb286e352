// Guest Broadcast: Check guest setup. Runs the bundled `guest-broadcast doctor` and shows its
// findings (each missing piece and its fix) in the Guest Broadcast output channel.
import * as vscode from 'vscode';
import { spawn } from 'node:child_process';
import { defaultSocketPath } from '../../host/paths';
import { bundledCli } from '../bundledCli';
import { HostParts } from '../hostParts';
import { readHostSettings } from '../settings';

const DOCTOR_TIMEOUT_MS = 60_000;

export function checkGuestSetup(parts: HostParts) {
  return async (): Promise<number> => {
    const settings = readHostSettings();
    const socket = settings.socketPath || defaultSocketPath('system');
    const cli = bundledCli(parts.context.extensionPath, ['doctor', '--guest-user', settings.guestUser, '--socket', socket, '--session', settings.sessionName]);
    const out = parts.output;
    out.show(true);
    out.appendLine(`\n$ guest-broadcast ${cli.argv.slice(2).join(' ')}`);
    const code = await new Promise<number>((resolve) => {
      const child = spawn(cli.argv[0], cli.argv.slice(1), { env: { ...process.env, ...cli.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      const timer = setTimeout(() => {
        out.appendLine(`The doctor took longer than ${DOCTOR_TIMEOUT_MS / 1000} s and was stopped.`);
        child.kill('SIGTERM');
      }, DOCTOR_TIMEOUT_MS);
      child.stdout.on('data', (chunk: Buffer) => out.append(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => out.append(chunk.toString()));
      child.on('error', (error) => {
        out.appendLine(`Could not run the doctor: ${error.message}`);
      });
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve(status ?? 1);
      });
    });
    if (code === 0) {
      void vscode.window.showInformationMessage(`Guest Broadcast: the guest setup for "${settings.guestUser}" is complete.`);
    } else {
      void vscode.window
        .showWarningMessage('Guest Broadcast: the guest setup is incomplete. The output lists what is missing and how to fix it.', 'Set up guest account')
        .then((choice) => choice && vscode.commands.executeCommand('guestBroadcast.setupGuest'));
    }
    return code;
  };
}
