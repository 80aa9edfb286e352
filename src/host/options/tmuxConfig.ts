// The tmux config file option, checked before anything starts: tmux itself starts silently
// without a config it cannot read, so a mistyped path would give a broadcast without the user's
// settings.
import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { HostOptionError } from './rawValues';

/** The file's absolute path when it can be read; /dev/null (the usual "no config at all") passes. */
export function readableTmuxConfig(file: string, name: string): string {
  const path = resolve(file);
  let why: string | undefined;
  try {
    // Not isFile(): /dev/null is a character device.
    if (statSync(path).isDirectory()) why = 'is a folder, not a file';
    else accessSync(path, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : (error as Error).message;
  }
  if (why) throw new HostOptionError(`${name} ${path} ${why}. Name a readable tmux config file, or leave the option out to load ~/.tmux.conf.`);
  return path;
}
