// A throwaway embedded-mode broadcast: temp tmux socket, temp state folder, a free loopback port,
// and real clients (OpenSSH's ssh in a pty, ssh2's Client) that render what they receive.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, ClientChannel, ConnectConfig } from 'ssh2';
import { after, test as nodeTest } from 'node:test';
import { Broadcast } from '../../src/host/broadcast';
import { EmbeddedSshRoute } from '../../src/host/routes/embeddedSshRoute';
import { broadcastOptions } from '../../src/host/options/broadcast';
import { EmbeddedServerContext } from '../../src/host/options/embeddedServer';
import { HostOptions, hostOptions } from '../../src/host/options/parse';
import type { EmbeddedGuestServer } from '../../src/host/embedded/server';
import { PtyClient } from './ptyClient';
import { Screen, waitFor } from './screen';
import { TempSocket, tempSocket, TEST_SHELL } from './tmuxFixture';

export interface EmbeddedFixture {
  broadcast: Broadcast;
  server: EmbeddedGuestServer;
  port: number;
  stateDir: string;
  sock: TempSocket;
  cleanup(): Promise<void>;
}

/**
 * Host options as the model takes them (src/host/options), plus what the server needs beyond a
 * user's options: its hooks, a lower failed-login bound, and the names its messages use
 * (default: the options' own keys; CLI_OPTION_NAMES to see what a CLI host says).
 */
export type EmbeddedFixtureOptions = Partial<HostOptions> & Partial<Omit<EmbeddedServerContext, 'defaultStateDir'>>;

/** `configFile` is the host's tmux config (default none: /dev/null). */
export async function startEmbedded(options: EmbeddedFixtureOptions = {}, stateDir?: string, configFile = '/dev/null'): Promise<EmbeddedFixture> {
  const sock = tempSocket('gb-emb-');
  const dir = stateDir ?? join(sock.dir, 'state');
  const { names = {}, appRoot, onJoin, onLeave, onWarning, maxAuthAttempts, ...given } = options;
  // Through the model, as the CLI and VS Code make them: an option added there reaches the tests.
  const host = hostOptions({ listen: '127.0.0.1:0', stateDir: dir, socketPath: sock.socketPath, command: TEST_SHELL, tmuxConfig: configFile, ...given, mode: 'embedded' });
  const started = broadcastOptions(host, { names, defaultStateDir: dir, appRoot, onJoin, onLeave, onWarning, maxAuthAttempts });
  const route = started.routes[0] as EmbeddedSshRoute;
  const broadcast = await Broadcast.start({
    ...started,
    pollIntervalMs: 200,
  });
  const made = route.server;
  return {
    broadcast,
    server: made,
    port: made.port,
    stateDir: dir,
    sock,
    async cleanup() {
      await broadcast.stop().catch(() => undefined);
      await sock.cleanup();
    },
  };
}

/** A temp HOME with no keys and no config, so OpenSSH uses only what a test gives it. */
export function emptyHome(): { home: string; cleanup(): void } {
  const home = mkdtempSync(join(tmpdir(), 'gb-home-'));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** argv for the real OpenSSH client against the fixture: no known_hosts, no config, no agent. */
export function opensshArgv(port: number, user = 'guest', extra: string[] = [], logLevel = 'ERROR'): string[] {
  return [
    'ssh', '-F', '/dev/null',
    // LogLevel ERROR hides "Permanently added"; the pre-login banner needs INFO (ssh's default).
    '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', `LogLevel=${logLevel}`,
    '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=no', '-o', 'ConnectTimeout=5',
    '-p', String(port), ...extra, `${user}@127.0.0.1`,
  ];
}

export function opensshClient(port: number, options: { user?: string; cols?: number; rows?: number; extra?: string[]; home?: string; logLevel?: string } = {}): PtyClient {
  return new PtyClient(opensshArgv(port, options.user, options.extra ?? ['-o', 'IdentityFile=none'], options.logLevel), {
    cols: options.cols,
    rows: options.rows,
    env: { SSH_AUTH_SOCK: '', ...(options.home ? { HOME: options.home } : {}) },
  });
}

/** An ssh2 client; resolves once logged in, rejects with the server's refusal. */
export class Ssh2Guest {
  readonly client = new Client();
  banner = '';
  screen: Screen | undefined;
  channel: ClientChannel | undefined;
  output = '';
  closed = false;

  connect(port: number, config: Partial<ConnectConfig> = {}): Promise<void> {
    this.client.on('banner', (message) => (this.banner += message));
    // A refusal is reported through the promise; a later error (a server dropping a connection
    // it never answered, as sshd does past MaxStartups) must not surface as an uncaught error.
    this.client.on('error', () => undefined);
    this.client.on('close', () => (this.closed = true));
    return new Promise((resolve, reject) => {
      this.client.once('ready', () => resolve());
      this.client.once('error', (error) => reject(this.banner ? new Error(`${error.message}; banner: ${this.banner.trim()}`) : error));
      this.client.once('close', () => reject(new Error(`connection closed before login${this.banner ? `; banner: ${this.banner}` : ''}`)));
      this.client.connect({ host: '127.0.0.1', port, username: 'guest', readyTimeout: 5000, ...config });
    });
  }

  /** Opens the one session channel with a pty of the given size and a shell. */
  shell(cols = 80, rows = 24): Promise<ClientChannel> {
    this.screen = new Screen(cols, rows);
    const screen = this.screen;
    return new Promise((resolve, reject) => {
      this.client.shell({ term: 'xterm-256color', cols, rows }, (error, channel) => {
        if (error) return reject(error);
        this.channel = channel;
        channel.on('data', (data: Buffer) => {
          this.output += data.toString('utf8');
          screen.feed(data);
        });
        resolve(channel);
      });
    });
  }

  async lines(): Promise<string[]> {
    await this.screen?.settled();
    return this.screen?.lines() ?? [];
  }

  async waitForText(text: string, timeoutMs = 10_000): Promise<void> {
    await waitFor(`"${text}" on the ssh2 guest's screen`, async () => (await this.lines()).join('\n').includes(text), timeoutMs).catch(async (error: Error) => {
      throw new Error(`${error.message}\nScreen was:\n${(await this.lines()).join('\n')}`);
    });
  }

  end(): void {
    this.client.end();
    this.screen?.dispose();
  }
}

/**
 * Runs a client program to its end without blocking the event loop (the server under test lives
 * in this process: spawnSync would stall it).
 */
export function runClient(argv: string[], options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(argv[0], argv.slice(1), { encoding: 'utf8', timeout: options.timeoutMs ?? 10_000, env: { ...process.env, SSH_AUTH_SOCK: '', ...options.env } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
    // A client that exits without reading its input must not fail the test with EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

/** A test bounded in time (60 s unless told): a hang is a failure, not a stuck suite. */
export const boundedTest = (name: string, fn: () => Promise<void>, options: { timeoutMs?: number; skip?: string | false } = {}): void =>
  void nodeTest(name, { timeout: options.timeoutMs ?? 60_000, skip: options.skip ?? false }, fn);

export interface Cleanups {
  /** Run after the file's tests, last registered first. */
  list: Array<() => Promise<void> | void>;
  /** Registers a client to end after the file's tests, and returns it. */
  track<T extends PtyClient | Ssh2Guest>(client: T): T;
}

/** Cleanups for one test file (registers its own `after` hook). */
export function useCleanups(): Cleanups {
  const list: Cleanups['list'] = [];
  after(async () => {
    for (const c of list.reverse()) await c();
  });
  return {
    list,
    track(client) {
      list.push(() => (client instanceof PtyClient ? client.kill() : client.end()));
      return client;
    },
  };
}
