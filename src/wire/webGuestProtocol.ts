// The one protocol between the browser route (src/host/web) and its page (media/, the web entry).
// Both sides import it, so a message one side sends and the other does not know is a compile error.
//
// URLs (SECRET: the broadcast's link secret, base64url, at least 128 random bits):
//   /w/SECRET/          the page (HTML; asks for the passphrase first under --access password)
//   /w/SECRET/socket    the page's WebSocket (this protocol)
//   /w/SECRET/stream    the asciinema-compatible live stream (subprotocols v1.alis,
//                       v2.asciicast, v3.asciicast, raw), for asciinema-player and friends
//   /assets/NAME        the page's static files (nothing secret in them)
//
// Server -> page: BINARY frames are the guest's terminal output (UTF-8 bytes, already through
// the guest output filter). TEXT frames are one JSON ServerMessage each.
// Page -> server: TEXT frames only, one JSON PageMessage each, at most MAX_PAGE_MESSAGE bytes.
// READ-ONLY: the page can say how big a terminal it wants and give the passphrase; nothing else.
// Anything else (a binary frame, bad JSON, an unknown type, a size outside the limits, a
// passphrase when none is asked for) closes the socket with CLOSE_POLICY and a reason.
//
// This file is bundled into the page too: no Node imports.
import { isWithinSizeLimits } from './terminalSizeLimits';

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** Why a web guest's view ended (the page shows a line for each). */
export type WebEndReason = 'stopped' | 'kicked' | 'lost' | 'refused';

/** Server -> page. */
export type ServerMessage =
  /** First message after the socket opens (and after a passphrase is accepted). */
  | { type: 'hello'; session: string; host: TerminalSize | null; passphrase: 'none' | 'required' | 'accepted' }
  /** The host's window size changed (fit mode follows it). */
  | { type: 'hostSize'; size: TerminalSize }
  /** The passphrase was wrong; the page may ask again (the server closes after too many). */
  | { type: 'passphraseRefused'; attemptsLeft: number }
  /** A line for the guest outside the terminal (a size-cap notice). */
  | { type: 'notice'; text: string }
  /** The view ended; the socket closes after this. */
  | { type: 'end'; reason: WebEndReason; message: string };

/** Page -> server. */
export type PageMessage =
  /** The terminal size the page shows: the host's size in fit mode, its own in "my size" mode. */
  | { type: 'size'; cols: number; rows: number }
  /** The broadcast's passphrase, only when the hello said "required". */
  | { type: 'passphrase'; value: string };

/** The largest text frame a page may send (bytes). */
export const MAX_PAGE_MESSAGE = 512;
/** The longest passphrase accepted in a message (characters). */
export const MAX_PASSPHRASE = 256;
/** WebSocket close code for a message the page may not send (RFC 6455 1008, policy violation). */
export const CLOSE_POLICY = 1008;
/** Close code when the view ended normally (stop, kick). */
export const CLOSE_NORMAL = 1000;

/** Parses a text frame from a page; a string saying what was wrong when it is not allowed. */
export function parsePageMessage(text: string): PageMessage | string {
  if (text.length > MAX_PAGE_MESSAGE) return `message longer than ${MAX_PAGE_MESSAGE} bytes`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'size':
      return isWithinSizeLimits(m.cols, m.rows) ? { type: 'size', cols: m.cols as number, rows: m.rows as number } : 'size outside the limits';
    case 'passphrase':
      return typeof m.value === 'string' && m.value.length <= MAX_PASSPHRASE ? { type: 'passphrase', value: m.value } : 'malformed passphrase';
    default:
      return 'unknown message type';
  }
}


/** The path of each part of a broadcast's web route, for the link and the page. */
export function webPaths(secret: string): { page: string; socket: string; stream: string } {
  const base = `/w/${secret}`;
  return { page: `${base}/`, socket: `${base}/socket`, stream: `${base}/stream` };
}
