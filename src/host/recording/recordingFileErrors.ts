// What went wrong with a recording's file, in words that say what to do. One place for these
// messages: the host's `--record`, `guest-broadcast record`, the watcher's `--record` and VS Code
// all show them as they are.
import { dirname } from 'node:path';

/** A recording could not start or went on no longer; the message is for the user as it is. */
export class RecordingError extends Error {}

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/** Why the file could not be made (open with 'wx', or 'w' with --force). */
export function openFailure(path: string, error: unknown): RecordingError {
  const folder = dirname(path);
  switch (codeOf(error)) {
    case 'EEXIST':
      return new RecordingError(`${path} already exists: record to another file, or add --force to overwrite it.`);
    case 'ENOENT':
      return new RecordingError(`Cannot record to ${path}: the folder ${folder} does not exist. Make it first, or name a file in another folder.`);
    case 'ENOTDIR':
      return new RecordingError(`Cannot record to ${path}: a part of ${folder} is not a folder.`);
    case 'EISDIR':
      return new RecordingError(`Cannot record to ${path}: it is a folder. Name a file, such as ${path.replace(/\/+$/, '')}/session.cast.`);
    case 'EACCES':
    case 'EPERM':
      return new RecordingError(`Cannot record to ${path}: no permission to write in ${folder}. Name a file in a folder you can write to.`);
    case 'EROFS':
      return new RecordingError(`Cannot record to ${path}: ${folder} is on a read-only file system. Name a file in a folder you can write to.`);
    default:
      return new RecordingError(`Cannot record to ${path}: ${describe(error)}.`);
  }
}

/** Why writing stopped (the file so far is kept). */
export function writeFailure(path: string, error: unknown): RecordingError {
  const reason = (() => {
    switch (codeOf(error)) {
      case 'ENOSPC':
        return 'the disk is full';
      case 'EDQUOT':
        return 'the disk quota is used up';
      case 'EROFS':
        return 'the file system became read-only';
      case 'EIO':
        return 'the disk reported an I/O error';
      case 'EFBIG':
        return 'the file is larger than this file system allows';
      default:
        return describe(error);
    }
  })();
  return new RecordingError(`Recording to ${path} stopped: ${reason}. What was recorded until then is in the file; the broadcast goes on.`);
}

function describe(error: unknown): string {
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}
