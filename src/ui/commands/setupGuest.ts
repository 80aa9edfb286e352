// Guest Broadcast: Set up guest account (system mode). Runs `guest-broadcast setup-guest --apply`
// as root (directly when VS Code runs as root, else with sudo or su) in a terminal the host sees,
// after saying what it changes: never silently.
import * as vscode from 'vscode';
import { execFile } from 'node:child_process';
import { defaultSocketPath } from '../../host/paths';
import { asRootCommandLine, bundledCli, rootRunLabel, visibleRunScript } from '../bundledCli';
import { HostParts } from '../hostParts';
import { readHostSettings } from '../settings';

export const SETUP_TERMINAL_NAME = 'Guest Broadcast: set up guest account';

export function setupGuest(parts: HostParts) {
  return async (): Promise<void> => {
    const settings = readHostSettings();
    // The guest's forced command attaches to this socket, so name it as the host will use it.
    const socket = settings.socketPath || defaultSocketPath('system');
    const args = ['setup-guest', '--guest-user', settings.guestUser, '--socket', socket, '--session', settings.sessionName];
    const run = rootRunLabel();
    const modeNote = settings.mode === 'embedded' ? '\n\nNote: guestBroadcast.mode is "embedded", which needs no guest account. Set it to "system" to serve guests through sshd.' : '';
    const answer = await vscode.window.showWarningMessage(
      `Set up the Unix account "${settings.guestUser}" for guests?`,
      {
        modal: true,
        detail:
          `This runs "guest-broadcast setup-guest --apply" as root in a terminal${run === 'Run as root' ? '' : ` (${run.replace('Run ', '')})`}: it creates "${settings.guestUser}" with an empty password, ` +
          `adds a "Match User ${settings.guestUser}" block to sshd_config whose forced command attaches read-only to ${socket}, ` +
          `backs up sshd_config, checks it with "sshd -t" and reloads sshd.` +
          modeNote,
      },
      run,
      'Show the script',
    );
    if (answer === 'Show the script') {
      await showScript(parts, [...args, '--print']);
      return;
    }
    if (answer !== run) return;
    const commandLine = asRootCommandLine(bundledCli(parts.context.extensionPath, [...args, '--apply']));
    parts.output.appendLine(`Running in a terminal: ${commandLine}`);
    const terminal = vscode.window.createTerminal({ name: SETUP_TERMINAL_NAME, shellPath: '/bin/sh', shellArgs: ['-c', visibleRunScript(commandLine)], iconPath: new vscode.ThemeIcon('shield') });
    terminal.show();
  };
}

/** Opens what --apply would run in an editor, then offers to run it. */
async function showScript(parts: HostParts, args: string[]): Promise<void> {
  const cli = bundledCli(parts.context.extensionPath, args);
  const script = await new Promise<string>((resolve, reject) => {
    execFile(cli.argv[0], cli.argv.slice(1), { env: { ...process.env, ...cli.env }, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(stderr.trim() || error.message));
      else resolve(stdout);
    });
  });
  const document = await vscode.workspace.openTextDocument({ language: 'shellscript', content: script });
  await vscode.window.showTextDocument(document, { preview: true });
  void vscode.window
    .showInformationMessage('Guest Broadcast: this is what "Set up guest account" runs as root.', `${rootRunLabel()}…`)
    .then((choice) => choice && vscode.commands.executeCommand('guestBroadcast.setupGuest'));
}
