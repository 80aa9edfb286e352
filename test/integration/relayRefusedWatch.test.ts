// A watcher given a broadcast id that no relay serves (mistyped, or the broadcast ended) must
// give up with what the relays said, not retry forever. The relay logs such a guest in, prints
// its refusal and ends the view with exit status 1: a view that ends with a non-zero status
// before it ever drew the host's screen is a refusal, not a lost connection. Real relay code (in
// this process, on a real nats-server, with a real host registered), the real CLI in a pty, and
// the session the VS Code panel uses.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { CLI } from '../helpers/cliProcess';
import { boundedTest } from '../helpers/embeddedFixture';
import { PtyClient } from '../helpers/ptyClient';
import { relayWorld, RelayWorld } from '../helpers/relayWorld';
import { typeLine } from '../helpers/tmuxFixture';
import { screenShows, startWatcher } from '../helpers/watcher';

const test = (name: string, fn: () => Promise<void>): void => boundedTest(name, fn, { timeoutMs: 90_000 });
const REFUSAL = 'Guest Broadcast: no broadcast "nosuch" is served through this relay';

let world: RelayWorld;
let ports: number[];
const root = mkdtempSync(join(tmpdir(), 'gb-relay-refused-'));
const cleanups: Array<() => void> = [];

before(async () => {
  world = await relayWorld();
  const relays = [await world.startRelay(), await world.startRelay()];
  ports = relays.map((r) => Number(r.server.listenAddress.split(':').pop()));
});

after(async () => {
  for (const c of cleanups) c();
  await world?.cleanup();
  rmSync(root, { recursive: true, force: true });
});

let homes = 0;
/** `guest-broadcast watch TARGET` in a terminal, with a home and config folder of its own. */
function cliWatch(target: string): PtyClient {
  const home = join(root, `cli-home-${++homes}`);
  mkdirSync(home, { recursive: true });
  const watcher = new PtyClient(['node', CLI, 'watch', '--accept-new', target], { cols: 80, rows: 24, env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), SSH_AUTH_SOCK: '' } });
  cleanups.push(() => watcher.kill());
  return watcher;
}

/** The CLI's closing line (its give-up message), joined back from the terminal's wrapping. */
function closingLine(output: string): string {
  const at = output.lastIndexOf('guest-broadcast watch: ');
  assert.ok(at >= 0, `no closing error line in:\n${output}`);
  return output.slice(at).replace(/\r?\n/g, '').trim();
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

test('watch of an id the relay does not serve gives up with the relay\'s refusal (CLI)', async () => {
  const watcher = cliWatch(`nosuch@127.0.0.1:${ports[0]}`);
  const code = await watcher.waitForExit(30_000).catch((error: Error) => {
    throw new Error(`${error.message}\nOutput so far:\n${watcher.output}`);
  });
  assert.notEqual(code, 0, watcher.output);
  assert.doesNotMatch(watcher.output, /Reconnecting|lost/, 'a connection that never showed the broadcast was not "lost"');
  const line = closingLine(watcher.output);
  assert.equal(count(line, REFUSAL), 1, line);
  assert.match(line, new RegExp(`nosuch@127\\.0\\.0\\.1:${ports[0]}`));
  assert.doesNotMatch(line, /\.\./, line);
});

test('watch of an id no relay of the list serves tries each once, then gives up naming both (CLI)', async () => {
  const watcher = cliWatch(`nosuch@127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}`);
  const code = await watcher.waitForExit(30_000).catch((error: Error) => {
    throw new Error(`${error.message}\nOutput so far:\n${watcher.output}`);
  });
  assert.notEqual(code, 0, watcher.output);
  assert.doesNotMatch(watcher.output, /Reconnecting|lost|Trying/, watcher.output);
  const line = closingLine(watcher.output);
  assert.equal(count(line, REFUSAL), 2, line);
  for (const port of ports) assert.equal(count(line, `127.0.0.1:${port} `), 1, `${port} named once: ${line}`);
  assert.doesNotMatch(line, /\.\.|\.;/, line);
});

test('the session (as the VS Code panel uses it) ends in an error with the refusal, without reconnecting', async () => {
  const viewer = startWatcher(root, cleanups, ports[1], { user: 'nosuch' });
  const state = await viewer.until('error', 30_000);
  assert.ok(state.kind === 'error');
  assert.equal(count(state.message, REFUSAL), 1, state.message);
  assert.ok(!viewer.states.some((s) => s.kind === 'reconnecting'), JSON.stringify(viewer.states));
  // The same relay serves the real id: the refusal was about the id, not the relay.
  const real = startWatcher(root, cleanups, ports[1], { user: world.id });
  await typeLine(world.sock.tmux, 'broadcast', 'echo served-here');
  await screenShows(real, 'served-here', 30_000);
  assert.ok(!real.states.some((s) => s.kind === 'error'), JSON.stringify(real.states));
});
