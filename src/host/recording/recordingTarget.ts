// Checks a recording's file before anything starts (`host --record`, `watch --record`), so a typo
// in the path is said at once, with what to do, rather than after the broadcast or the
// connection is up. The file is still opened with 'wx' later (castFile.ts): this check is for
// the message, not the guarantee.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openFailure } from './recordingFileErrors';

function failed(path: string, code: string): never {
  throw openFailure(path, Object.assign(new Error(code), { code }));
}

/** The absolute path of `file` (relative to the current folder); throws a RecordingError when it cannot be recorded to. */
export function checkRecordingTarget(file: string, force = false): string {
  const path = resolve(file);
  const existing = statSync(path, { throwIfNoEntry: false });
  if (existing?.isDirectory()) failed(path, 'EISDIR');
  if (existing && !force) failed(path, 'EEXIST');
  const folder = dirname(path);
  let folderStat;
  try {
    folderStat = statSync(folder);
  } catch (error) {
    throw openFailure(path, error);
  }
  if (!folderStat.isDirectory()) failed(path, 'ENOTDIR');
  try {
    accessSync(existing ? path : folder, constants.W_OK);
  } catch (error) {
    throw openFailure(path, error);
  }
  return path;
}
