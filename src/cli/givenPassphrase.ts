// The passphrase for `watch` given without a prompt, for scripts and CI: from a file
// (--passphrase-file) or the environment ($GUEST_BROADCAST_PASSPHRASE), never from the command
// line, where other local users could read it in the process list.
import { readFileSync } from 'node:fs';
import { GivenPassword } from '../watcher/types';
import { UsageError } from './args';

export const PASSPHRASE_ENV = 'GUEST_BROADCAST_PASSPHRASE';

/** The given passphrase, if any: the file when named (it is the explicit choice), else the variable. */
export function givenPassphrase(file: string | undefined, env: NodeJS.ProcessEnv = process.env): GivenPassword | undefined {
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
      throw new UsageError(`Cannot read the passphrase file ${file}: ${why}. Save the passphrase in it (guest-broadcast passphrase > FILE on the host).`);
    }
    // The first line, so a file written by `echo` or `guest-broadcast passphrase` works.
    const value = text.split(/\r?\n/)[0];
    if (!value) throw new UsageError(`The passphrase file ${file} is empty: put the passphrase on its first line.`);
    return { value, from: `--passphrase-file ${file}` };
  }
  const value = env[PASSPHRASE_ENV];
  if (value) return { value, from: `$${PASSPHRASE_ENV}` };
  return undefined;
}
