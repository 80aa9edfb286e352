// Recording through the real CLI (dist/cli.js): `host --record`, `record FILE` / `record --stop`
// from another process, `watch --record`, and every way a recording can fail, with the broadcast
// going on whatever happens to it. The files are read by players nobody here wrote: Debian's
// `asciinema cat` rendered in @xterm/headless against `tmux capture-pane` of the host, and the
// npm asciinema-player in headless Chromium.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { hostAttachArgv } from '../../src/tmux/attach';
import { boundedTest as test, runClient } from '../helpers/embeddedFixture';
import { asciinemaCatScreen, hasAsciinema, renderCast } from '../helpers/castRecording';
import { CLI, cliWorld } from '../helpers/cliProcess';
import { PtyClient } from '../helpers/ptyClient';
import { waitFor } from '../helpers/screen';
import { capturePane, TEST_SHELL, typeLine } from '../helpers/tmuxFixture';
import { existsSync as chromiumThere } from 'node:fs';
import { CHROMIUM, launchHeadlessChromium } from '../helpers/headlessChromium';
import { AsciicastPlayerServer } from '../helpers/asciicastPlayerServer';

const { sock, stateDir, env, cleanups, cli } = cliWorld('gb-rec-');
const SESSION = 'broadcast';
const casts = join(sock.dir, 'casts');
mkdirSync(casts, { recursive: true });
const isRoot = process.getuid?.() === 0;

function host(args: string[]): PtyClient {
  const p = new PtyClient(['node', CLI, 'host', '--socket', sock.socketPath, '--state-dir', stateDir, '--command', TEST_SHELL, '--tmux-config', '/dev/null', '--listen', '127.0.0.1:0', ...args], { cols: 200, rows: 50, env });
  cleanups.push(() => p.kill());
  return p;
}

/** The host's own terminal, attached read-write, as a host is. */
function attachHost(cols: number, rows: number): PtyClient {
  const p = new PtyClient(hostAttachArgv({ socketPath: sock.socketPath, sessionName: SESSION }), { cols, rows, env: { ...process.env, TMUX: '' } });
  cleanups.push(() => p.kill());
  return p;
}

/** No broadcast left by an earlier test (one that failed halfway). */
async function fresh(): Promise<void> {
  await sock.tmux.killServer().catch(() => undefined);
}

async function stopHost(h: PtyClient): Promise<void> {
  h.type('\x03');
  assert.equal(await h.waitForExit(20_000), 0, h.output);
}

type CastEvent = [number, string, string];
function readCast(file: string): { header: Record<string, unknown>; events: CastEvent[]; text: string } {
  const text = readFileSync(file, 'utf8');
  const [head, ...rest] = text.split('\n').filter((l) => l !== '');
  return { header: JSON.parse(head) as Record<string, unknown>, events: rest.map((l) => JSON.parse(l) as CastEvent), text };
}

const trim = (lines: string[]): string[] => lines.map((l) => l.trimEnd());

/** Waits until the file (as written so far) plays to the host's pane showing `marker`. */
async function fileDrawsPane(file: string, marker: string): Promise<string[]> {
  let last: string[] = [];
  await waitFor(`the recording to draw the host's pane with "${marker}"`, async () => {
    const pane = await capturePane(sock.tmux, SESSION);
    if (!existsSync(file) || !pane.join('\n').includes(marker)) return false;
    last = trim((await renderCast(readFileSync(file, 'utf8'))).lines);
    return JSON.stringify(last.slice(0, pane.length)) === JSON.stringify(trim(pane));
  }, 30_000).catch(async (e: Error) => {
    throw new Error(`${e.message}\nrecording:\n${last.join('\n')}\npane:\n${(await capturePane(sock.tmux, SESSION)).join('\n')}`);
  });
  return trim(await capturePane(sock.tmux, SESSION));
}

interface StatusJson {
  broadcasting: boolean;
  recording: string | null;
  viewers: unknown[];
}
async function statusJson(): Promise<StatusJson> {
  return JSON.parse((await cli(['status', '--json', '--socket', sock.socketPath])).stdout) as StatusJson;
}

/** A file the host recorded, kept for the players' test. */
let hostCast: { file: string; cols: number; rows: number; pane: string[] } | undefined;

test("host --record: the header has the host's size, TERM and SHELL; the host's resizes are r events; the file plays to the host's pane", async () => {
  await fresh();
  const file = join(casts, 'host.cast');
  const h = host(['--record', file]);
  await h.waitForText('Press Ctrl-C to stop the broadcast.');
  assert.match(h.output, /Recording to \S*host\.cast/);
  // The host attaches after the recording started: the recording takes the host's size then.
  const me = attachHost(70, 16);
  await me.waitForText('host$');
  assert.equal((await statusJson()).recording, file);
  assert.match((await cli(['status', '--socket', sock.socketPath])).stdout, new RegExp(`Recording to ${file} \\(stop with: guest-broadcast record --stop --socket \\S+\\)`));
  await typeLine(sock.tmux, SESSION, "printf '\\033[1;32mgreen-%s\\033[0m é€𝄞 日本語\\n' $((6*7)); echo one-$((6*7))");
  await fileDrawsPane(file, 'one-42');
  await waitFor('a resize event to the host\'s 70x16', () => readCast(file).events.some(([, c, d]) => c === 'r' && d === '70x16'));

  me.resize(80, 20);
  await waitFor("the host's resize to be recorded", () => readCast(file).events.some(([, c, d]) => c === 'r' && d === '80x20'), 20_000);
  await typeLine(sock.tmux, SESSION, 'echo two-$((6*7))');
  const pane = await fileDrawsPane(file, 'two-42');

  const stop = await cli(['record', '--stop', '--socket', sock.socketPath]);
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal(stop.stdout, `Recording stopped: ${file} is complete.\n`);
  await h.waitForText('Recording stopped:');
  assert.equal((await statusJson()).recording, null);
  assert.doesNotMatch((await cli(['status', '--socket', sock.socketPath])).stdout, /Recording to/);

  const { header, events } = readCast(file);
  assert.equal(header.version, 2);
  assert.equal(header.title, SESSION);
  assert.deepEqual(header.env, { TERM: 'xterm-256color', SHELL: process.env.SHELL || '/bin/sh' });
  assert.ok(Math.abs((header.timestamp as number) - Date.now() / 1000) < 300);
  assert.ok(events.every(([, code]) => code === 'o' || code === 'r'), 'output and resizes only');
  assert.ok(events.every(([t], i) => i === 0 || t >= events[i - 1][0]), 'times never go back');
  assert.equal(events.filter(([, c]) => c === 'r').at(-1)?.[2], '80x20');
  hostCast = { file, cols: 80, rows: 20, pane };
  await stopHost(h);
});

test('asciinema cat (Debian 2.2) plays the host\'s recording to the host\'s pane', async () => {
  assert.ok(hostCast, 'the host --record test ran first');
  const played = trim(await asciinemaCatScreen(hostCast.file, hostCast.cols, hostCast.rows));
  assert.deepEqual(played.slice(0, hostCast.pane.length), hostCast.pane);
}, { skip: hasAsciinema() ? false : 'needs Debian asciinema' });

test('asciinema-player (npm, headless Chromium) plays the host\'s recording to the host\'s pane', async () => {
  assert.ok(hostCast, 'the host --record test ran first');
  const { file, pane } = hostCast;
  const browser = await launchHeadlessChromium({ width: 1000, height: 700 });
  const server = await AsciicastPlayerServer.start({ tmux: sock.tmux, sessionName: SESSION, cols: hostCast.cols, rows: hostCast.rows });
  try {
    server.casts.set('host.cast', readFileSync(file, 'utf8'));
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/?cast=host.cast`);
    const playerLines = async (): Promise<string[]> => {
      const rows = await page.evaluate(() => {
        const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<{ innerText: string }> } }).document;
        return [...doc.querySelectorAll('.ap-term .ap-line')].map((line) => line.innerText);
      });
      return rows.map((l) => l.replace(/\u00a0/g, ' ').replace(/\n/g, '').trimEnd());
    };
    await waitFor('the player to end on the host\'s pane', async () => JSON.stringify((await playerLines()).slice(0, pane.length)) === JSON.stringify(pane), 60_000).catch(async (e: Error) => {
      throw new Error(`${e.message}\nplayer:\n${(await playerLines()).join('\n')}\npane:\n${pane.join('\n')}`);
    });
    await page.close();
  } finally {
    await server.close();
    await browser.close();
  }
}, { skip: chromiumThere(CHROMIUM) ? false : 'needs chromium', timeoutMs: 120_000 });

test('record FILE / record --stop on a running broadcast, and what they refuse, with what to do', async () => {
  await fresh();
  const nothing = await cli(['record', '--socket', join(sock.dir, 'none', 'sock'), join(casts, 'x.cast')]);
  assert.equal(nothing.code, 1);
  assert.match(nothing.stderr, /^guest-broadcast record: No broadcast is running \(looked at \S+none\/sock\)\. Start one that records with: guest-broadcast host --socket \S+ --record \S+x\.cast\n$/);

  const existing = join(casts, 'existing.cast');
  writeFileSync(existing, 'precious\n');
  const refusedHost = await cli(['host', '--socket', sock.socketPath, '--listen', '127.0.0.1:0', '--tmux-config', '/dev/null', '--record', existing]);
  assert.equal(refusedHost.code, 1);
  assert.match(refusedHost.stderr, /already exists: record to another file, or add --force to overwrite it\./);
  assert.equal(await sock.tmux.serverPid(), undefined, 'nothing started');
  const forceAlone = await cli(['host', '--socket', sock.socketPath, '--force']);
  assert.equal(forceAlone.code, 2);
  assert.match(forceAlone.stderr, /--force goes with --record FILE/);

  const h = host([]);
  await h.waitForText('Press Ctrl-C to stop the broadcast.');
  const me = attachHost(72, 18);
  await me.waitForText('host$');
  assert.equal((await statusJson()).recording, null);

  const file = join(casts, 'later.cast');
  const started = await cli(['record', '--socket', sock.socketPath, file]);
  assert.equal(started.code, 0, started.stderr);
  assert.equal(started.stdout, `Recording to ${file}. Stop with: guest-broadcast record --stop --socket ${sock.socketPath}\n`);
  const recordingStatus = await statusJson();
  assert.equal(recordingStatus.recording, file);
  assert.deepEqual(recordingStatus.viewers, [], "the recording's own tmux client is not a viewer");
  await h.waitForText('Recording to');

  const second = await cli(['record', '--socket', sock.socketPath, join(casts, 'second.cast')]);
  assert.equal(second.code, 1);
  assert.match(second.stderr, new RegExp(`Already recording to ${file}: stop that recording first`));
  assert.ok(!existsSync(join(casts, 'second.cast')));

  await typeLine(sock.tmux, SESSION, 'echo later-$((6*7))');
  await fileDrawsPane(file, 'later-42');
  const stopped = await cli(['record', '--stop', '--socket', sock.socketPath]);
  assert.equal(stopped.stdout, `Recording stopped: ${file} is complete.\n`);
  const again = await cli(['record', '--stop', '--socket', sock.socketPath]);
  assert.equal(again.code, 0);
  assert.equal(again.stdout, 'Nothing was recording.\n');
  assert.equal(readCast(file).header.width, 72);

  const exists = await cli(['record', '--socket', sock.socketPath, existing]);
  assert.equal(exists.code, 1);
  assert.match(exists.stderr, new RegExp(`^guest-broadcast record: ${existing} already exists: record to another file, or add --force to overwrite it\\.\\n$`));
  assert.equal(readFileSync(existing, 'utf8'), 'precious\n');
  // A folder is named as one (not "already exists: add --force"), with or without --force.
  for (const force of [[], ['--force']]) {
    const folder = await cli(['record', ...force, '--socket', sock.socketPath, dirname(existing)]);
    assert.equal(folder.code, 1);
    assert.match(folder.stderr, /it is a folder\. Name a file, such as .*\/session\.cast\./);
  }
  const forced = await cli(['record', '--force', '--socket', sock.socketPath, existing]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal((await cli(['record', '--stop', '--socket', sock.socketPath])).code, 0);
  assert.match(readFileSync(existing, 'utf8'), /^\{"version":2,"width":72,"height":18,/);

  const missing = await cli(['record', '--socket', sock.socketPath, join(casts, 'no', 'such', 'a.cast')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Cannot record to \S+\/no\/such\/a\.cast: the folder \S+\/no\/such does not exist\. Make it first, or name a file in another folder\./);

  if (isRoot) {
    // A read-only folder (root may write anywhere else).
    const ro = join(sock.dir, 'ro');
    mkdirSync(ro);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,ro', 'tmpfs', ro]);
    try {
      const unwritable = await cli(['record', '--socket', sock.socketPath, join(ro, 'a.cast')]);
      assert.equal(unwritable.code, 1);
      assert.match(unwritable.stderr, /Cannot record to \S+\/ro\/a\.cast: \S+\/ro is on a read-only file system\. Name a file in a folder you can write to\./);
    } finally {
      execFileSync('umount', [ro]);
    }
  }
  assert.equal((await statusJson()).broadcasting, true, 'the broadcast went on through all of it');

  // The process that served it is gone (a crash): nothing can record, and it says what to run.
  process.kill(h.proc.pid, 'SIGKILL');
  await h.waitForExit();
  const unserved = await cli(['record', '--socket', sock.socketPath, file]);
  assert.equal(unserved.code, 1);
  assert.match(unserved.stderr, /No process serves this broadcast \(the one that hosted it ended\), so nothing can record it\. Serve it again with: guest-broadcast host --socket \S+ .*--record \S+later\.cast/);
  assert.equal((await cli(['stop', '--socket', sock.socketPath])).code, 0);
});

test('system mode with no host process (sshd serves the guests): record says to run host --record', async () => {
  await fresh();
  // What a system-mode broadcast whose `host` process is gone looks like to tmux: its markers, no owner.
  await sock.tmux.run(['-f', '/dev/null', 'new-session', '-d', '-s', SESSION, TEST_SHELL, ';', 'set', '-g', '@guest-broadcast', '1', ';', 'set', '-g', '@mode', 'system', ';', 'set', '-g', '@session', SESSION]);
  try {
    const r = await cli(['record', '--socket', sock.socketPath, join(casts, 'sys.cast')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No guest-broadcast process serves this broadcast: its guests are served by sshd, and only the process that hosts a broadcast can record it\. Serve it with: guest-broadcast host --mode system --socket \S+ --record \S+sys\.cast/);
    const stop = await cli(['record', '--stop', '--socket', sock.socketPath]);
    assert.equal(stop.code, 1);
    assert.match(stop.stderr, /No guest-broadcast process serves this broadcast/);
  } finally {
    await sock.tmux.killServer();
  }
});

test('a full disk stops the recording with a clear message; the broadcast goes on', async () => {
  await fresh();
  const small = join(sock.dir, 'small');
  mkdirSync(small);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]);
  after(() => {
    try {
      execFileSync('umount', ['-l', small]);
    } catch {
      // unmounted already
    }
  });
  const file = join(small, 'full.cast');
  const h = host(['--record', file]);
  await h.waitForText('Press Ctrl-C to stop the broadcast.');
  const me = attachHost(80, 24);
  await me.waitForText('host$');
  // Far more than 64 KiB of output even as the screens a flood is sent as (seq's numbers never repeat a screen).
  await typeLine(sock.tmux, SESSION, 'seq 1 1500000');
  await h.waitForText('the disk is full', 60_000);
  assert.match(h.output, new RegExp(`Recording to ${file} stopped: the disk is full\\. What was recorded until then is in the file; the broadcast goes on\\.`));
  await waitFor('status to say nothing records', async () => (await statusJson()).recording === null);
  assert.equal((await statusJson()).broadcasting, true);
  assert.equal(h.exitCode, undefined, 'the host still serves');
  // The file holds whole lines up to where the disk filled (the last may be cut short).
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.match(lines[0], /^\{"version":2,"width":\d+,"height":\d+,/);
  // A guest still watches: the snapshot through the CLI's own watcher.
  await typeLine(sock.tmux, SESSION, 'clear; echo still-$((6*7))');
  const port = Number(/ssh -p (\d+) guest@127\.0\.0\.1/.exec(h.output)?.[1]);
  const snap = await waitFor('a guest to see the session after the disk filled', async () => {
    const r = await cli(['watch', '--snapshot', '--accept-new', `guest@127.0.0.1:${port}`]);
    return r.stdout.includes('still-42') ? r : undefined;
  }, 30_000);
  assert.ok(snap);
  await stopHost(h);
  execFileSync('umount', [small]);
}, { skip: isRoot ? false : 'needs root to mount a small tmpfs', timeoutMs: 120_000 });

test('watch --record records what the watcher sees, at its size, with its resizes', async () => {
  await fresh();
  const h = host([]);
  await h.waitForText('Press Ctrl-C to stop the broadcast.');
  const port = Number(/ssh -p (\d+) guest@127\.0\.0\.1/.exec(h.output)?.[1]);
  const me = attachHost(100, 30);
  await me.waitForText('host$');
  const file = join(casts, 'watch.cast');
  const refused = await cli(['watch', '--snapshot', '--record', file, `guest@127.0.0.1:${port}`]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--record records a live watch; --snapshot prints one screen/);

  const watcher = new PtyClient(['node', CLI, 'watch', '--accept-new', '--record', file, `guest@127.0.0.1:${port}`], { cols: 72, rows: 18, env: { ...process.env, ...env } });
  cleanups.push(() => watcher.kill());
  await typeLine(sock.tmux, SESSION, 'clear; echo seen-$((6*7))');
  await watcher.waitForText('seen-42', 20_000);
  watcher.resize(60, 15);
  await waitFor("the watcher's resize to be recorded", () => existsSync(file) && readCast(file).events.some(([, c, d]) => c === 'r' && d === '60x15'), 20_000);
  await typeLine(sock.tmux, SESSION, 'echo after-$((6*7))');
  await watcher.waitForText('after-42', 20_000);
  let last: string[] = [];
  await waitFor('the recording to draw what the watcher shows', async () => {
    last = trim((await renderCast(readFileSync(file, 'utf8'))).lines);
    return JSON.stringify(last) === JSON.stringify(trim(await watcher.lines()));
  }, 20_000).catch(async (e: Error) => {
    throw new Error(`${e.message}\nrecording:\n${last.join('\n')}\nwatcher:\n${(await watcher.lines()).join('\n')}`);
  });
  watcher.type('q');
  assert.equal(await watcher.waitForExit(15_000), 0);
  assert.match(watcher.output, /Recorded to \S+watch\.cast\./);
  const { header } = readCast(file);
  assert.equal(header.width, 72);
  assert.equal(header.height, 18);
  // Again without --force: refused before connecting, the file kept.
  const before = readFileSync(file, 'utf8');
  const again = await runClient(['node', CLI, 'watch', '--accept-new', '--record', file, `guest@127.0.0.1:${port}`], { env });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /watch\.cast already exists: record to another file, or add --force to overwrite it\./);
  assert.equal(readFileSync(file, 'utf8'), before);
  await stopHost(h);
});

test('the real curtain (guest-broadcast pause/resume) in a host --record file: a marker down, nothing typed during the pause, a marker up, then the session', async () => {
  await fresh();
  const file = join(casts, 'curtain.cast');
  const h = host(['--record', file]);
  await h.waitForText('Press Ctrl-C to stop the broadcast.');
  const me = attachHost(80, 20);
  await me.waitForText('host$');
  await typeLine(sock.tmux, SESSION, 'echo before-$((6*7))');
  await fileDrawsPane(file, 'before-42');
  const pause = await cli(['pause', '--socket', sock.socketPath, '--message', 'back soon']);
  assert.equal(pause.code, 0, pause.stderr);
  await waitFor('the curtain marker in the file', () => readCast(file).events.some(([, c, d]) => c === 'm' && d === 'curtain down'), 20_000);
  // Typed on the host during the pause: built by the shell, so only its output holds the word.
  await typeLine(sock.tmux, SESSION, 'echo SECRET-$((6*7))-TOKEN');
  await waitFor('the host to see its own secret', async () => (await capturePane(sock.tmux, SESSION)).some((l) => l.includes('SECRET-42-TOKEN')));
  // What should stay private is cleared before resuming (the screen as it is then is shown again).
  await typeLine(sock.tmux, SESSION, 'clear');
  await waitFor('the host to clear its screen', async () => !(await capturePane(sock.tmux, SESSION)).some((l) => l.includes('SECRET')));
  const resume = await cli(['resume', '--socket', sock.socketPath]);
  assert.equal(resume.code, 0, resume.stderr);
  await typeLine(sock.tmux, SESSION, 'echo after-$((6*7))');
  await fileDrawsPane(file, 'after-42');
  assert.equal((await cli(['record', '--stop', '--socket', sock.socketPath])).code, 0);
  const { events, text } = readCast(file);
  assert.doesNotMatch(text, /SECRET-42-TOKEN/, 'nothing drawn during the pause is in the file');
  assert.doesNotMatch(text, /back soon/, 'nor the curtain screen');
  const down = events.findIndex(([, c, d]) => c === 'm' && d === 'curtain down');
  const up = events.findIndex(([, c, d]) => c === 'm' && d === 'curtain up');
  assert.ok(down >= 0 && up > down, JSON.stringify(events.filter(([, c]) => c === 'm')));
  assert.deepEqual(events.slice(down + 1, up).filter(([, c]) => c === 'o'), [], 'no output event between the markers');
  assert.ok(events.slice(up + 1).some(([, c, d]) => c === 'o' && d.includes('after-42')));
  await stopHost(h);
});
