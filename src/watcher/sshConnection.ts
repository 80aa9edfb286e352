// One SSH connection of a watcher: connect, verify the host key, log in, open a pty of the
// viewer's size and `shell` (the server's forced command decides what runs), then stream
// filtered output until the channel ends. Input is never written: the channel's stdin is not
// touched at all, so there is nothing a keystroke could travel through.
import { Client, ClientChannel } from 'ssh2';
import { AuthContext, AuthError, AuthPlan } from './authPlan';
import { HostKeyError, HostKeyVerifier } from './hostKeyVerifier';
import { OutputFilter } from './outputFilter';
import { allText, ChannelEnd, lastTextLine } from './sessionEnd';
import { WatchEndpoint } from './types';
import { visibleText } from './visibleText';
import { HOST_SIZE_COMMAND, HostSizeReader, TerminalSize } from '../wire/hostSize';
import { describeNetworkError, NetworkError } from './networkError';
import { PausableDeadline } from './pausableDeadline';

export { describeNetworkError, NetworkError };

export interface ConnectParams {
  target: WatchEndpoint;
  /**
   * The other servers of the same target list (relays of one broadcast): a key already trusted
   * for one of them is trusted here too (HostKeyVerifier.verify).
   */
  siblings?: { host: string; port: number }[];
  /**
   * The viewer's size, read when the pty is requested and again once the shell is up (a resize
   * made while connecting is sent as window-change then), so the latest size always wins.
   */
  size(): { cols: number; rows: number };
  term: string;
  verifier: HostKeyVerifier;
  auth: AuthContext;
  /** TCP connect + key exchange + login, not counting time a person spends answering a prompt. */
  handshakeTimeoutMs: number;
  keepaliveIntervalMs: number;
  onOutput(data: Uint8Array): void;
  /** The server's login banner (SSH_MSG_USERAUTH_BANNER), its control characters made visible. */
  onBanner?(text: string): void;
  /** The host's terminal size, when its server tells it (see src/wire/hostSize.ts), on every change. */
  onHostSize?(size: TerminalSize): void;
  /** Aborting drops the socket at once, in any phase (TCP connect, key exchange, a prompt, login). */
  signal?: AbortSignal;
}

/** A connected, shell-running watch channel. */
export interface LiveConnection {
  resize(cols: number, rows: number): void;
  /** Resolves once, when the channel or the connection ends (never rejects). */
  readonly ended: Promise<ChannelEnd>;
  close(): void;
}

/** connectOnce was aborted through its signal (the watch was closed). */
export class AbortedError extends Error {
  override name = 'AbortedError';
}

/** Rejects with HostKeyError / AuthError (do not retry), AbortedError, or a network error (retry). */
export function connectOnce(params: ConnectParams): Promise<LiveConnection> {
  const { target } = params;
  const where = `${target.host}:${target.port}`;
  return new Promise<LiveConnection>((resolve, reject) => {
    const client = new Client();
    let settled = false;
    let refusal: Error | undefined;
    /** The host key accepted at login (see hostVerifier). */
    let loginKey: Buffer | undefined;
    let channel: ClientChannel | undefined;
    let finish: (end: ChannelEnd) => void = () => undefined;
    const ended = new Promise<ChannelEnd>((r) => (finish = r));
    // The last output, for the line that says why a view ended (made visible in lastTextLine).
    let tail: Buffer = Buffer.alloc(0);
    /** Whether the server drew on the terminal, or only printed text (a refusal: see sessionEnd.ts). */
    let drew = false;
    const end: ChannelEnd = {};

    const fail = (error: Error): void => {
      deadline.clear();
      if (!settled) {
        settled = true;
        reject(error);
      }
      // Before login there is nothing to say goodbye to, and end() would wait for a peer that
      // may never answer (it only half-closes): drop the socket.
      client.destroy();
    };
    const signal = params.signal;
    const onAbort = (): void => {
      if (!settled) fail(new AbortedError(`stopped connecting to ${where}`));
      else client.end();
    };
    if (signal?.aborted) {
      reject(new AbortedError(`stopped connecting to ${where}`));
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    const deadline = new PausableDeadline(params.handshakeTimeoutMs, () => fail(new Error(`timed out connecting to ${where}`)));
    const asking = async <T>(question: () => Promise<T>): Promise<T> => {
      deadline.pause();
      try {
        return await question();
      } finally {
        deadline.resume();
      }
    };

    const plan = new AuthPlan({ ...params.auth, askSecret: (prompt) => asking(() => params.auth.askSecret(prompt)) });

    client.on('error', (error: Error & { level?: string }) => {
      if (refusal) return fail(refusal);
      if (error.level === 'client-authentication') return fail(plan.failure());
      // ssh2's message may be the server's own words (a disconnect's description): made visible.
      const said = visibleText(error.message);
      if (!settled) {
        const code = (error as NodeJS.ErrnoException).code;
        return fail(new NetworkError(describeNetworkError(code, target.host, where, said), code));
      }
      end.error ??= new Error(said);
    });
    client.on('banner', (message: string) => params.onBanner?.(visibleText(message, { lines: true }).replace(/\n+$/, '')));
    client.on('close', () => {
      deadline.clear();
      signal?.removeEventListener('abort', onAbort);
      if (!settled) fail(refusal ?? new Error(`${where} closed the connection during login`));
      const text = tail.toString('utf8');
      finish({ ...end, drew, lastLine: lastTextLine(text), ...(drew ? {} : { said: allText(text) }) });
    });
    client.on('ready', () => {
      if (settled) return;
      const requested = params.size();
      client.shell({ term: params.term, cols: requested.cols, rows: requested.rows, width: 0, height: 0 }, (error, ch) => {
        deadline.clear();
        if (settled) return; // aborted while the shell was being opened; the socket is gone
        if (error) return fail(new Error(`${where} refused a terminal session: ${visibleText(error.message)}`));
        channel = ch;
        // The viewer may have been resized while the pty-req was on its way.
        const latest = params.size();
        if (latest.cols !== requested.cols || latest.rows !== requested.rows) ch.setWindow(latest.rows, latest.cols, 0, 0);
        const filter = new OutputFilter();
        const onData = (data: Buffer): void => {
          tail = Buffer.concat([tail, data.subarray(-2048)]).subarray(-2048);
          if (!drew && data.includes(0x1b)) drew = true;
          const shown = filter.push(data);
          if (shown.length) params.onOutput(shown);
        };
        ch.on('data', onData);
        ch.stderr.on('data', onData);
        ch.on('exit', (code: number | null, signal?: string) => {
          if (typeof code === 'number') end.exitCode = code;
          if (signal) end.exitSignal = signal;
        });
        ch.on('close', () => client.end());
        settled = true;
        if (params.onHostSize) askHostSize(client, params.onHostSize);
        resolve({
          resize(cols, rows) {
            channel?.setWindow(rows, cols, 0, 0);
          },
          ended,
          close() {
            client.end();
          },
        });
      });
    });

    client.connect({
      host: target.host,
      port: target.port,
      username: target.user,
      authHandler: plan.handler,
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        // ssh2 asks again at every key re-exchange (an OpenSSH server re-keys after its
        // RekeyLimit): unanswered, the connection froze there. The connection keeps the key it
        // logged in with; another key in the middle of a connection is refused.
        if (loginKey) {
          const same = key.equals(loginKey);
          if (!same) end.error ??= new HostKeyError(`${where} presented a different host key during a key re-exchange; the connection was dropped.`);
          verify(same);
          return;
        }
        asking(() => params.verifier.verify(target.host, target.port, key, params.siblings)).then(
          () => {
            if (settled) return;
            loginKey = key;
            verify(true);
          },
          (error: Error) => {
            if (settled) return;
            refusal = error instanceof HostKeyError ? error : new HostKeyError(error.message);
            verify(false);
          },
        );
      },
      algorithms: { serverHostKey: params.verifier.algorithmsFor(target.host, target.port) },
      readyTimeout: 0,
      keepaliveInterval: params.keepaliveIntervalMs,
      keepaliveCountMax: 3,
    });
  });
}

/**
 * Opens the host-size channel beside the view (src/wire/hostSize.ts). Its failure (a server that
 * does not offer it) only means the size stays unknown; it never touches the view's channel.
 * Nothing is ever written to it.
 */
function askHostSize(client: Client, onSize: (size: TerminalSize) => void): void {
  try {
    client.exec(HOST_SIZE_COMMAND, (error, channel) => {
      if (error) return;
      const reader = new HostSizeReader(onSize);
      channel.on('data', (data: Buffer) => reader.push(data));
      channel.stderr.resume(); // system mode's wrapper may say why it cannot: not ours to show
      channel.on('error', () => undefined);
    });
  } catch {
    // the connection is already closing
  }
}

export { AuthError, HostKeyError };
