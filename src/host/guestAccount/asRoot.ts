// How to write a command that needs root in a message: as it is for root (a root-only Debian box
// has no sudo at all), with sudo for others when sudo is installed, else through `su -c`.
import { shellQuote } from '../../tmux/attach';
import { findOnPath } from './options';

export interface RootContext {
  isRoot: boolean;
  hasSudo: boolean;
}

export function currentRootContext(): RootContext {
  return { isRoot: process.getuid?.() === 0, hasSudo: findOnPath('sudo') !== undefined };
}

/** `command` written so the reader can run it where they are. */
export function asRoot(command: string, context: RootContext = currentRootContext()): string {
  if (context.isRoot) return command;
  if (context.hasSudo) return `sudo ${command}`;
  return `su -c ${shellQuote(command)}`;
}
