// `guest-broadcast record FILE` / `record --stop` from another terminal: the recording runs in
// the process that serves the broadcast (its fan-out), so the CLI asks that process. The channel
// is the broadcast's tmux markers (the truth everyone can read) plus the owner nudge
// (ownerNudge.ts: "read the markers again"):
//   1. the CLI sets @record-request to {"id", "op": "start"|"stop", "path" (absolute), "force"},
//      and nudges the owner;
//   2. the owner, nudged, reads the request, acts, and sets @record-reply to {"id", "ok": true,
//      "path"} or {"id", "error": "what to do"} (and @recording to the file, '' when none), and
//      clears @record-request;
//   3. the CLI waits (bounded) for the reply with its id.
// Both sides are here, so the format has one place.
import { randomBytes } from 'node:crypto';
import { readMarkers, setMarkers } from '../../tmux/broadcastSession';
import type { Tmux } from '../../tmux/tmux';
import { nudgeOwner } from '../ownerNudge';
import { ownerAlive, recordedOwner } from '../owner';
import { RecordingError } from './recordingFileErrors';

export const RECORD_REQUEST_MARKER = 'record-request';
export const RECORD_REPLY_MARKER = 'record-reply';
/** How long the CLI waits for the owner's answer. */
export const REPLY_TIMEOUT_MS = 5000;
const REPLY_POLL_MS = 100;

export type RecordRequest = { id: string; op: 'start'; path: string; force: boolean } | { id: string; op: 'stop' };
export type RecordReply = { id: string; ok: true; path: string | null } | { id: string; error: string };

/** What the owner does with a request (Broadcast.startRecording / stopRecording). */
export interface RecordingControl {
  startRecording(path: string, options: { force?: boolean }): Promise<void>;
  stopRecording(): Promise<string | undefined>;
}

function parseRequest(text: string | undefined): RecordRequest | undefined {
  if (!text) return undefined;
  try {
    const r = JSON.parse(text) as Partial<Record<string, unknown>>;
    if (typeof r.id !== 'string' || !r.id) return undefined;
    if (r.op === 'stop') return { id: r.id, op: 'stop' };
    if (r.op === 'start' && typeof r.path === 'string' && r.path.startsWith('/')) return { id: r.id, op: 'start', path: r.path, force: r.force === true };
  } catch {
    // not ours, or cut short: ignored
  }
  return undefined;
}

function parseReply(text: string | undefined): RecordReply | undefined {
  if (!text) return undefined;
  try {
    const r = JSON.parse(text) as Partial<Record<string, unknown>>;
    if (typeof r.id !== 'string') return undefined;
    if (r.ok === true) return { id: r.id, ok: true, path: typeof r.path === 'string' ? r.path : null };
    if (typeof r.error === 'string') return { id: r.id, error: r.error };
  } catch {
    // ignored
  }
  return undefined;
}

/**
 * The owner's side: answers the request in the markers it is given, if there is one (called
 * whenever the owner is nudged). One nudge is often several file events, each a read of the
 * markers: requests are answered one at a time, and each id once (it is cleared with the reply,
 * but a read made before that still holds it).
 */
export class RecordingRequestDesk {
  private queue: Promise<void> = Promise.resolve();
  private readonly answered = new Set<string>();

  constructor(
    private readonly tmux: Tmux,
    private readonly control: RecordingControl,
  ) {}

  answer(markers: Record<string, string>): Promise<void> {
    const request = parseRequest(markers[RECORD_REQUEST_MARKER]);
    if (!request) return this.queue;
    this.queue = this.queue.then(() => this.answerOnce(request)).catch(() => undefined);
    return this.queue;
  }

  private async answerOnce(request: RecordRequest): Promise<void> {
    if (this.answered.has(request.id)) return;
    this.answered.add(request.id);
    let reply: RecordReply;
    try {
      if (request.op === 'start') {
        await this.control.startRecording(request.path, { force: request.force });
        reply = { id: request.id, ok: true, path: request.path };
      } else {
        reply = { id: request.id, ok: true, path: (await this.control.stopRecording()) ?? null };
      }
    } catch (error) {
      reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
    }
    await setMarkers(this.tmux, { [RECORD_REQUEST_MARKER]: '', [RECORD_REPLY_MARKER]: JSON.stringify(reply) }).catch(() => undefined);
  }
}

/**
 * The CLI's side: asks the broadcast's owner to start or stop recording and waits for its
 * answer; resolves the file (started, or finished: null when none was recording), or throws a
 * RecordingError that says what to do.
 */
export async function askOwner(
  tmux: Tmux,
  markers: Record<string, string>,
  op: { op: 'start'; path: string; force: boolean } | { op: 'stop' },
  unserved: () => string,
  timeoutMs = REPLY_TIMEOUT_MS,
): Promise<string | null> {
  if (!ownerAlive(markers)) throw new RecordingError(unserved());
  const id = randomBytes(8).toString('hex');
  const request: RecordRequest = { id, ...op };
  await setMarkers(tmux, { [RECORD_REQUEST_MARKER]: JSON.stringify(request) });
  if (!nudgeOwner(tmux.socketPath)) {
    await setMarkers(tmux, { [RECORD_REQUEST_MARKER]: '' }).catch(() => undefined);
    throw new RecordingError(`Cannot reach the process that serves the broadcast (no permission to write beside ${tmux.socketPath}). Run this as the user who started the broadcast.`);
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await readMarkers(tmux);
    if (!now) throw new RecordingError('The broadcast ended before it answered.');
    const reply = parseReply(now[RECORD_REPLY_MARKER]);
    if (reply?.id === id) {
      if ('error' in reply) throw new RecordingError(reply.error);
      return reply.path;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, REPLY_POLL_MS));
  }
  // Not answered: the request must not be acted on later, when nobody waits for it any more.
  const now = await readMarkers(tmux).catch(() => undefined);
  if (parseRequest(now?.[RECORD_REQUEST_MARKER])?.id === id) await setMarkers(tmux, { [RECORD_REQUEST_MARKER]: '' }).catch(() => undefined);
  const pid = recordedOwner(markers);
  throw new RecordingError(
    `The process that serves the broadcast${pid ? ` (pid ${pid})` : ''} did not answer within ${Math.round(timeoutMs / 1000)} s. ` +
      'It may be an older guest-broadcast that cannot record; stop it and serve the broadcast again with --record FILE.',
  );
}
