// Runs the hostile-guest catalogue (hostileCases.ts) against one broadcast mode. One broadcast per
// mode is shared by all cases (starting one takes a second; an attack must not need a fresh one),
// and the screen is reset between cases. Around every case the harness asserts what a read-only
// broadcast promises whatever a guest does:
//   - a canary first: the host types a line after the attack and it runs alone (nothing a guest
//     typed was left pending in the input line), and a well-behaved viewer, connected before the
//     attack, sees it live. Only once the canary's output is back is the host's state compared:
//     the round trip through the host's shell is the wait, not a fixed sleep;
//   - then the host's state is what it was plus the canary: its pane (exactly the canary's
//     lines), window size, windows and panes, the pane not in a mode (choose-tree, copy mode),
//     the one session, the host's client the only writable one, and the server's options, hooks,
//     key bindings, environment and paste buffers, any of which a guest's command could change.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConnectConfig } from 'ssh2';
import { listClients } from '../../src/tmux/clients';
import { BroadcastMode, ModeFixture, startMode } from '../helpers/broadcastModes';
import { RelayModeFixture, startRelayMode } from '../helpers/relayMode';
import { opensshArgv, runClient, Ssh2Guest } from '../helpers/embeddedFixture';
import { isRoot, PtyClient } from '../helpers/ptyClient';
import { waitFor } from '../helpers/screen';
import { capturePane, typeLine, windowSize } from '../helpers/tmuxFixture';

/** The doors a case can attack: the host's own SSH routes, or a relay the host serves through (#18). */
export type HarnessMode = BroadcastMode | 'relay';

export interface CaseContext {
  /** In 'relay' mode a RelayModeFixture: `port` is the relay's, the broadcast's id is "guest". */
  fx: ModeFixture & Partial<Pick<RelayModeFixture, 'relay'>>;
  mode: HarnessMode;
  /** The real OpenSSH client in a pty, no keys, no known_hosts; killed after the case. */
  ssh(options?: { cols?: number; rows?: number; extra?: string[]; args?: string[]; env?: NodeJS.ProcessEnv }): PtyClient;
  /** An ssh2 client, logged in (no password); ended after the case. */
  ssh2(config?: Partial<ConnectConfig>): Promise<Ssh2Guest>;
  /** An ssh2 client watching at cols x rows, once it shows the host's screen. */
  ssh2Watching(cols?: number, rows?: number): Promise<Ssh2Guest>;
  /** OpenSSH argv for one-shot runs (`ssh ... cmd`, no pty). */
  sshArgv(extra?: string[]): string[];
  run: typeof runClient;
  /** A fresh path a successful attack would create; the harness asserts it never exists. */
  marker(): string;
  /**
   * Like marker(), but in a folder the guest account may write (mode 1777): where an upload that
   * got past the server would land, so a refused upload is told from one the file system stopped.
   */
  writableMarker(): string;
  /** Something to undo after the case (sockets, servers). */
  defer(cleanup: () => void | Promise<void>): void;
  settle(ms?: number): Promise<void>;
}

export interface HostileCase {
  name: string;
  /** Default: every mode, relay included. */
  modes?: HarnessMode[];
  /**
   * Why the case cannot apply to a relay (then no relay test is registered for it). A reason,
   * not a flag: a case skipped through relays must say what a relay lacks that it attacks.
   */
  notThroughRelay?: string;
  run(ctx: CaseContext): Promise<unknown>;
}

interface HostState {
  pane: string[];
  size: { cols: number; rows: number };
  sessions: string[];
  windows: string[];
  panes: string[];
  paneInMode: string;
  panePid: string;
  writableClients: string[];
  options: string[];
  hooks: string[];
  keys: string[];
  environment: string[];
  buffers: string[];
}

const settle = (ms = 400): Promise<void> => new Promise((r) => setTimeout(r, ms));

const lines = (out: string): string[] => out.split('\n').filter(Boolean);

/**
 * The server's options at every scope. `@viewers` is left out: the embedded server rewrites it
 * whenever a viewer comes or goes (the case's own guests are still connected when this is read).
 */
async function allOptions(fx: ModeFixture): Promise<string[]> {
  const scopes = [['-s'], ['-g'], ['-gw'], ['-t', fx.sessionName], ['-w', '-t', fx.sessionName], ['-p', '-t', fx.sessionName]];
  const out: string[] = [];
  for (const scope of scopes) out.push(...lines(await fx.tmux.run(['show-options', ...scope])).map((l) => `${scope.join(' ')}: ${l}`));
  return out.filter((l) => !/: @viewers /.test(l));
}

async function hostState(fx: ModeFixture): Promise<HostState> {
  const pane = (await capturePane(fx.tmux, fx.sessionName)).map((l) => l.trimEnd());
  const [paneInMode, panePid] = (await fx.tmux.run(['display-message', '-p', '-t', fx.sessionName, '#{pane_in_mode} #{pane_pid}'])).trim().split(' ');
  const clients = await listClients(fx.tmux);
  const run = async (args: string[]): Promise<string[]> => lines(await fx.tmux.run(args));
  return {
    pane,
    size: await windowSize(fx.tmux, fx.sessionName),
    sessions: await fx.tmux.sessionNames(),
    // Not the window's name: automatic-rename follows the running program on a timer of its own.
    // A rename by anyone turns automatic-rename off for the window, which the options show.
    windows: await run(['list-windows', '-a', '-F', '#{session_name}:#{window_index} #{window_id} #{window_layout} #{window_active}']),
    panes: await run(['list-panes', '-a', '-F', '#{session_name}:#{window_index}.#{pane_index} #{pane_id} #{pane_pid} #{pane_dead}']),
    paneInMode,
    panePid,
    writableClients: clients.filter((c) => !c.readOnly).map((c) => `${c.pid}@${c.session}`),
    options: await allOptions(fx),
    hooks: await run(['show-hooks', '-g']),
    keys: await run(['list-keys']),
    environment: [...(await run(['show-environment', '-g'])), ...(await run(['show-environment', '-t', fx.sessionName]))],
    buffers: await run(['list-buffers', '-F', '#{buffer_name} #{buffer_size} #{buffer_sample}']),
  };
}

/** What the host's pane must show after the canary: its line, its output, the next prompt. */
function paneAfterCanary(before: string[], command: string, output: string): string[] {
  return [`host$ ${command}`, output, 'host$', ...before.slice(3).map(() => '')];
}

/** Clears the host's screen and waits until the pane is just the prompt. */
async function resetScreen(fx: ModeFixture): Promise<void> {
  await typeLine(fx.tmux, fx.sessionName, 'clear');
  await waitFor('the cleared host screen', async () => {
    const pane = (await capturePane(fx.tmux, fx.sessionName)).map((l) => l.trimEnd()).filter(Boolean);
    return pane.length === 1 && pane[0] === 'host$';
  });
}

export function runCatalogue(mode: HarnessMode, cases: HostileCase[]): void {
  const skip = mode === 'system' && !isRoot ? 'needs root' : false;
  const timeout = 60_000;
  let fx: CaseContext['fx'];
  let watcher: Ssh2Guest;
  let canaries = 0;

  before(async () => {
    if (skip) return;
    // Many guests from 127.0.0.1 in a row here; the per-address bound is a case of its own.
    fx = mode === 'relay' ? await startRelayMode({ maxPerAddress: 50 }) : await startMode(mode, { embedded: { maxConnectionsPerAddress: 50 } });
    watcher = new Ssh2Guest();
    await watcher.connect(fx.port, { hostVerifier: (key: Buffer) => key.toString('base64') === fx.hostPublicKey.split(' ')[1] });
    await watcher.shell(80, 24);
    await typeLine(fx.tmux, fx.sessionName, 'echo watcher-ready');
    await watcher.waitForText('watcher-ready');
  });

  after(async () => {
    watcher?.end();
    await fx?.cleanup();
  });

  for (const c of cases) {
    if (c.modes && !c.modes.includes(mode)) continue;
    if (mode === 'relay' && c.notThroughRelay) continue;
    test(`${mode}: ${c.name}`, { skip, timeout }, async () => {
      const cleanups: Array<() => void | Promise<void>> = [];
      const markers: string[] = [];
      const ctx: CaseContext = {
        fx,
        mode,
        ssh: (o = {}) => {
          const client = new PtyClient([...opensshArgv(fx.port, 'guest', ['-o', 'IdentityFile=none', ...(o.extra ?? [])]), ...(o.args ?? [])], {
            cols: o.cols ?? 80,
            rows: o.rows ?? 24,
            env: { SSH_AUTH_SOCK: '', ...o.env },
          });
          cleanups.push(() => client.kill());
          return client;
        },
        ssh2: async (config = {}) => {
          const g = new Ssh2Guest();
          cleanups.push(() => g.end());
          await g.connect(fx.port, config);
          return g;
        },
        ssh2Watching: async (cols = 80, rows = 24) => {
          const g = await ctx.ssh2();
          await g.shell(cols, rows);
          await g.waitForText('host$');
          return g;
        },
        sshArgv: (extra = []) => opensshArgv(fx.port, 'guest', ['-o', 'IdentityFile=none', '-o', 'BatchMode=yes', ...extra]),
        run: runClient,
        marker: () => {
          const path = join(fx.dir, `pwned-${markers.length}`);
          markers.push(path);
          return path;
        },
        writableMarker: () => {
          const dir = join(fx.dir, 'guest-writable');
          mkdirSync(dir, { recursive: true });
          chmodSync(dir, 0o1777);
          const path = join(dir, `pwned-${markers.length}`);
          markers.push(path);
          return path;
        },
        defer: (cleanup) => void cleanups.push(cleanup),
        settle,
      };
      try {
        await resetScreen(fx);
        const before = await hostState(fx);
        assert.equal(before.writableClients.length, 1, `only the host's client is writable: ${JSON.stringify(before.writableClients)}`);

        await c.run(ctx);
        // A case ends by putting the host's screen back (a `clear` typed as the host): the canary
        // must not be typed while that is still running, or the clear wipes the canary's echoed
        // line from the pane (as seen on a loaded machine). A screen left otherwise is waited for
        // only briefly, and the comparison below reports it.
        await waitFor("the host's screen as before the attack", async () => sameLines(await capturePane(fx.tmux, fx.sessionName), before.pane), 5000).catch(() => undefined);

        // The canary: the host's next line runs alone, and the well-behaved viewer sees it live.
        const n = ++canaries;
        const command = `echo canary-${n}-$((${n}*7))`;
        const output = `canary-${n}-${n * 7}`;
        await typeLine(fx.tmux, fx.sessionName, command);
        await watcher.waitForText(output);
        const expectedPane = paneAfterCanary(before.pane, command, output);
        // The output is on screen; the prompt after it may still be on its way.
        await waitFor('the prompt after the canary', async () => (await capturePane(fx.tmux, fx.sessionName)).map((l) => l.trimEnd())[2] === 'host$', 5000).catch(() => undefined);

        const afterAttack = await hostState(fx);
        assert.deepEqual(afterAttack, { ...before, pane: expectedPane }, 'the host session changed under the attack, or the host\'s line did not run alone');
        for (const path of markers) assert.ok(!existsSync(path), `${path} exists: a guest ran a command on the host`);
        assert.equal(watcher.closed, false, 'the well-behaved viewer was disconnected');
        assert.deepEqual(afterAttack.size, fx.hostSize);
      } finally {
        for (const cleanup of cleanups.reverse()) await cleanup();
        for (const path of markers) rmSync(path, { force: true });
      }
    });
  }
}

/** Whether two captures show the same text (trailing blanks aside). */
function sameLines(a: readonly string[], b: readonly string[]): boolean {
  const trim = (lines: readonly string[]): string[] => lines.map((l) => l.trimEnd());
  return JSON.stringify(trim(a)) === JSON.stringify(trim(b));
}
