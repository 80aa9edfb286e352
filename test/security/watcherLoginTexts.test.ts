// The watcher against a hostile server's own words: the login banner, the keyboard-interactive
// name, instructions and prompt, a disconnect's description and the last line printed before a
// failing exit can all carry escape sequences. The real CLI (`guest-broadcast watch`, dist/cli.js)
// in a pty must show each with its control characters made visible (as OpenSSH does) and write
// none of them raw; the same strings reach VS Code through the watch session's prompts and
// states, which must hold no control character either (src/watcher/visibleText.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerChannel } from 'ssh2';
import { openWatchSession } from '../../src/watcher';
import { WatchState } from '../../src/watcher/types';
import { boundedTest, useCleanups } from '../helpers/embeddedFixture';
import { FakeSshHost, FakeSshHostPolicy, startFakeSshHost } from '../helpers/fakeSshHost';
import { PtyClient } from '../helpers/ptyClient';
import { waitFor } from '../helpers/screen';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const root = mkdtempSync(join(tmpdir(), 'gb-sec-logintexts-'));
const { list: cleanups } = useCleanups();
cleanups.push(() => rmSync(root, { recursive: true, force: true }));

/** A server string carrying a clipboard write, a title and a clear-screen. */
const hostile = (kind: string): string => `${kind}:\x1b]52;c;SE9TVElMRQ==\x07\x1b]2;HOSTILE-TITLE\x07\x1b[2J${kind}-end`;
/** How it must be shown: every control character as OpenSSH shows it. */
const shown = (kind: string): string => `${kind}:\\033]52;c;SE9TVElMRQ==\\007\\033]2;HOSTILE-TITLE\\007\\033[2J${kind}-end`;
/** The C1 form (U+009D OSC, U+009B CSI), for the last line printed (decoded as UTF-8). */
const hostileC1 = (kind: string): string => `${kind}:\u009d52;c;SE9TVElMRQ==\u009c\u009b2J${kind}-end`;
const shownC1 = (kind: string): string => `${kind}:\\302\\23552;c;SE9TVElMRQ==\\302\\234\\302\\2332J${kind}-end`;

/** Every raw form that must never reach the watcher's terminal. The C1 case's clear-screen is
 * also in the shown output (the output filter lets a clear-screen through, in ESC form), so only
 * its C1 bytes count there. */
function rawLeaks(output: string, kind: string): string[] {
  const raw = kind === 'lastline' ? ['\u009d52;c;', `\u009b2J${kind}`] : ['\x1b]52;c;SE9TVElMRQ==', '\x1b]2;HOSTILE-TITLE', `\x1b[2J${kind}`];
  return raw.filter((r) => output.includes(r)).map((r) => JSON.stringify(r));
}

async function fakeHost(policy: Partial<FakeSshHostPolicy>): Promise<FakeSshHost> {
  const host = await startFakeSshHost({ offered: ['none', 'password'], acceptPassword: '', greeting: 'greeting\r\n', ...policy });
  cleanups.push(() => host.close());
  return host;
}

let homes = 0;
/** The real CLI watching `port`, in a pty, with its own empty home. */
function cliWatch(port: number): PtyClient {
  const home = join(root, `home-${++homes}`);
  const client = new PtyClient([process.execPath, CLI, 'watch', '--accept-new', `guest@127.0.0.1:${port}`], { cols: 200, rows: 40, env: { HOME: home, SSH_AUTH_SOCK: '' } });
  cleanups.push(() => client.kill());
  return client;
}

const waitForOutput = (client: PtyClient, text: string): Promise<unknown> =>
  waitFor(`${JSON.stringify(text)} in the CLI's output`, () => client.output.includes(text), 20_000).catch((error: Error) => {
    throw new Error(`${error.message}\nOutput was: ${JSON.stringify(client.output)}`);
  });

/** One watch session as the VS Code panel drives it, recording every prompt, banner and state. */
function sessionWatch(port: number): { prompts: string[]; banners: string[]; states: WatchState[]; texts(): string[]; close(): void } {
  const home = join(root, `home-${++homes}`);
  const prompts: string[] = [];
  const banners: string[] = [];
  const states: WatchState[] = [];
  const session = openWatchSession(
    { label: 'test', host: '127.0.0.1', port, user: 'guest', identityFiles: [] },
    { confirmNewHostKey: async () => true, askSecret: async (p) => (prompts.push(p), 'pw'), showBanner: (t) => void banners.push(t) },
    { cols: 80, rows: 24, home, hostKeyStorePath: join(home, 'store'), knownHostsFiles: [], agentSocket: null, reconnect: { initialMs: 100, maxMs: 300, stableMs: 60_000 } },
  );
  session.onState((s) => states.push(s));
  cleanups.push(() => session.close());
  const texts = (): string[] => [...prompts, ...banners, ...states.map((s) => (s.kind === 'error' ? s.message : s.kind === 'reconnecting' ? s.reason : ''))];
  return { prompts, banners, states, texts, close: () => session.close() };
}

// Any control character at all, but the line breaks a prompt's own lines use.
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;

const test = (name: string, fn: () => Promise<void>): void => boundedTest(name, fn, { timeoutMs: 60_000 });

test('watcher: a hostile login banner is shown with its control characters made visible (CLI and session)', async () => {
  const host = await fakeHost({ banner: hostile('banner') + '\r\n' });
  const cli = cliWatch(host.port);
  await waitForOutput(cli, shown('banner'));
  await waitForOutput(cli, 'greeting');
  assert.deepEqual(rawLeaks(cli.output, 'banner'), []);
  const s = sessionWatch(host.port);
  await waitFor('the banner', () => s.banners.length > 0, 20_000);
  assert.deepEqual(s.banners, [shown('banner')]);
});

test('watcher: a hostile keyboard-interactive name, instructions and prompt are shown made visible (CLI and session)', async () => {
  const keyboardInteractive = { name: hostile('name'), instructions: hostile('instructions'), prompt: hostile('prompt') };
  const host = await fakeHost({ offered: ['keyboard-interactive'], acceptPassword: 'pw', keyboardInteractive });
  const cli = cliWatch(host.port);
  for (const kind of ['name', 'instructions', 'prompt']) await waitForOutput(cli, shown(kind));
  cli.type('pw\r');
  await waitForOutput(cli, 'greeting');
  for (const kind of ['name', 'instructions', 'prompt']) assert.deepEqual(rawLeaks(cli.output, kind), [], kind);
  const s = sessionWatch(host.port);
  await waitFor('the prompt', () => s.prompts.length > 0, 20_000);
  assert.equal(s.prompts[0], [shown('name'), shown('instructions'), shown('prompt')].join('\n'));
  assert.ok(!CONTROL.test(s.prompts[0]), JSON.stringify(s.prompts[0]));
});

test('watcher: a hostile disconnect description is shown made visible (CLI and session)', async () => {
  const host = await fakeHost({ disconnectWith: hostile('disconnect') });
  const cli = cliWatch(host.port);
  await waitForOutput(cli, shown('disconnect'));
  assert.deepEqual(rawLeaks(cli.output, 'disconnect'), []);
  const s = sessionWatch(host.port);
  await waitFor('the disconnect reason', () => s.texts().some((t) => t.includes(shown('disconnect'))), 20_000);
  for (const t of s.texts()) assert.ok(!CONTROL.test(t.replace(/\n/g, '')), JSON.stringify(t));
});

test('watcher: the last line a host printed before failing is shown made visible (CLI and session)', async () => {
  const greeting = (channel: ServerChannel): void => {
    channel.write(`first line\r\n${hostileC1('lastline')}\r\n`);
    channel.exit(1);
    channel.end();
  };
  const host = await fakeHost({ greeting });
  const cli = cliWatch(host.port);
  await waitForOutput(cli, shownC1('lastline'));
  assert.deepEqual(rawLeaks(cli.output, 'lastline'), []);
  const s = sessionWatch(host.port);
  await waitFor('the reason with the last line', () => s.texts().some((t) => t.includes(shownC1('lastline'))), 20_000);
  for (const t of s.texts()) assert.ok(!CONTROL.test(t), JSON.stringify(t));
});
