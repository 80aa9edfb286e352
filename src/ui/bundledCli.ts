// Running the extension's own bundled CLI (dist/cli.js) for the steps that belong to it
// (setup-guest, doctor), with the Node that runs this extension host.
import { join } from 'node:path';
import { currentRootContext, RootContext } from '../host/guestAccount/asRoot';
import { shellCommand } from '../tmux/attach';

export interface CliInvocation {
  argv: string[];
  /** Desktop VS Code's process.execPath is Electron: it behaves as Node only with this set. */
  env: Record<string, string>;
}

export function bundledCli(extensionPath: string, args: readonly string[]): CliInvocation {
  return {
    argv: [process.execPath, join(extensionPath, 'dist', 'cli.js'), ...args],
    env: process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {},
  };
}

/**
 * The shell line that runs `cli` as root: as it is when we already are root (a root-only machine
 * may have no sudo), else through sudo, else through su (which asks for root's password). `env`
 * because sudo resets the environment, and the variable must reach the CLI.
 */
export function asRootCommandLine(cli: CliInvocation, context: RootContext = currentRootContext()): string {
  const envWords = Object.entries(cli.env).map(([k, v]) => `${k}=${v}`);
  const direct = envWords.length ? ['env', ...envWords, ...cli.argv] : cli.argv;
  if (context.isRoot) return shellCommand(direct);
  if (context.hasSudo) return shellCommand(['sudo', 'env', ...envWords, ...cli.argv]);
  return shellCommand(['su', '-c', shellCommand(direct)]);
}

/** How the root run is named in dialogs ("Run with sudo", "Run as root"...). */
export function rootRunLabel(context: RootContext = currentRootContext()): string {
  return context.isRoot ? 'Run as root' : context.hasSudo ? 'Run with sudo' : 'Run with su';
}

/**
 * A /bin/sh script that shows the command, runs it, reports how it ended and waits for Enter,
 * so the host reads every step before the terminal closes.
 */
export function visibleRunScript(commandLine: string): string {
  return [
    `printf '%s\\n\\n' ${shellCommand(['$ ' + commandLine])}`,
    // In a subshell, so nothing in the command line can end the script before it reports.
    `( ${commandLine}
)`,
    'status=$?',
    `if [ "$status" -eq 0 ]; then printf '\\nDone.\\n'; else printf '\\nFailed (exit %s): read the messages above.\\n' "$status"; fi`,
    "printf 'Press Enter to close this terminal.'",
    'read answer',
    'exit "$status"',
  ].join('\n');
}
