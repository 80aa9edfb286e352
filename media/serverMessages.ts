// The page's check of the server's text frames (src/wire/webGuestProtocol.ts ServerMessage). The
// server is ours, but whatever sits between may not be: a frame that is not a well-formed
// message of a known type is ignored, and a size is believed only inside the shared limits.
import type { ServerMessage, TerminalSize, WebEndReason } from '../src/wire/webGuestProtocol';
import { isWithinSizeLimits } from '../src/wire/terminalSizeLimits';

const END_REASONS: readonly WebEndReason[] = ['stopped', 'kicked', 'lost', 'refused'];
/** Longer lines from the server are cut: the status line and the notice are one line each. */
const MAX_TEXT = 500;

function size(value: unknown): TerminalSize | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { cols, rows } = value as Record<string, unknown>;
  return isWithinSizeLimits(cols, rows) ? { cols: cols as number, rows: rows as number } : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value.slice(0, MAX_TEXT) : undefined;
}

export function parseServerMessage(frame: string): ServerMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'hello': {
      const session = text(m.session);
      const host = m.host === null ? null : size(m.host);
      const passphrase = m.passphrase;
      if (session === undefined || host === undefined) return undefined;
      if (passphrase !== 'none' && passphrase !== 'required' && passphrase !== 'accepted') return undefined;
      return { type: 'hello', session, host, passphrase };
    }
    case 'hostSize': {
      const s = size(m.size);
      return s ? { type: 'hostSize', size: s } : undefined;
    }
    case 'passphraseRefused':
      return Number.isInteger(m.attemptsLeft) && (m.attemptsLeft as number) >= 0
        ? { type: 'passphraseRefused', attemptsLeft: m.attemptsLeft as number } : undefined;
    case 'notice': {
      const t = text(m.text);
      return t === undefined ? undefined : { type: 'notice', text: t };
    }
    case 'end': {
      const message = text(m.message);
      const reason = END_REASONS.find((r) => r === m.reason);
      return reason && message !== undefined ? { type: 'end', reason, message } : undefined;
    }
    default:
      return undefined;
  }
}
