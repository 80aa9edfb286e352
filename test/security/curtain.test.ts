// The privacy curtain against every route of both modes (src/host/curtain/curtainTmux.ts): while
// the broadcast is paused, not one byte of what the session draws reaches a guest who watches live
// (SSH and browser), a guest who joins during the pause (SSH and browser), a browser guest that
// fell behind and is resynchronised during the pause, or a recording. After resume a new marker
// reaches them all.
//
// What is typed during the pause is a command line and its output holding PRIVATE-TOKEN; every
// client's raw bytes (not only its screen) are searched for it. The host clears its screen before
// resuming, as the README tells hosts to.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { WebRoute } from '../../src/host/web/webRoute';
import { BroadcastMode, MODES, ModeFixture, startMode } from '../helpers/broadcastModes';
import { opensshArgv } from '../helpers/embeddedFixture';
import { isRoot, PtyClient } from '../helpers/ptyClient';
import { waitFor } from '../helpers/screen';
import { capturePane, typeLine } from '../helpers/tmuxFixture';
import { heavyScreenCommand, stubAssetDir, WebGuestClient } from '../helpers/webFixture';

const SECRET = 'PRIVATE-TOKEN';
const CURTAIN_TEXT = 'Back in a minute: reading a customer file';

interface Watching {
  name: string;
  /** Every byte it received, decoded. */
  output(): string;
  lines(): Promise<string[]>;
  waitForText(text: string, timeoutMs?: number): Promise<void>;
  close(): void;
}

function sshGuest(fx: ModeFixture, name: string): Watching & { type(keys: string): void } {
  const user = fx.mode === 'system' ? 'guest' : name;
  const client = new PtyClient(opensshArgv(fx.port, user, ['-o', 'IdentityFile=none', '-t']), { cols: 90, rows: 26 });
  return { name, output: () => client.output, lines: () => client.lines(), waitForText: (t, ms) => client.waitForText(t, ms ?? 30_000), close: () => client.kill(), type: (keys) => client.type(keys) };
}

async function webGuest(route: WebRoute, name: string, cols = 100, rows = 30): Promise<{ watching: Watching; client: WebGuestClient }> {
  const url = `ws://127.0.0.1:${route.port}${new URL(route.url).pathname}socket`;
  const client = new WebGuestClient(url, { cols, rows });
  await client.opened;
  client.size(cols, rows);
  return {
    client,
    watching: { name, output: () => client.output, lines: () => client.lines(), waitForText: (t, ms) => client.waitForText(t, ms ?? 30_000), close: () => client.close() },
  };
}

function noSecret(guests: Watching[]): void {
  for (const g of guests) assert.ok(!g.output().includes(SECRET), `${g.name} received bytes of what was typed during the pause`);
}

for (const mode of MODES) {
  const skip = mode === 'system' && !isRoot ? 'needs root (sshd logs guests in as the guest account)' : false;
  describe(`curtain (${mode})`, { skip }, () => {
    let fx: ModeFixture;
    let route: WebRoute;
    let castPath = '';
    let cast: Array<[number, string, string]> = [];
    const live: Watching[] = [];
    const late: Watching[] = [];
    let stalled: Watching;
    const stalledSnapshots = { before: 0, after: 0 };
    const liveSawCurtain: boolean[] = [];
    const lateSawCurtain: boolean[] = [];
    let webState = '';
    let stalledSawCurtain = false;
    const missedAfter: string[] = [];
    let stillPausedAfterGuestKeys = false;

    before(async () => {
      webState = mkdtempSync(`${tmpdir()}/gb-curtain-web-`);
      route = new WebRoute({ listen: '127.0.0.1:0', stateDir: webState, access: 'open', assetDir: stubAssetDir() }, {});
      fx = await startMode(mode, { hostCols: 100, hostRows: 30, moreRoutes: [route] });
      await typeLine(fx.tmux, fx.sessionName, 'echo BEFORE-CURTAIN-$((20+1))');
      const liveSsh = sshGuest(fx, 'live-ssh');
      live.push(liveSsh, (await webGuest(route, 'live-browser')).watching);
      // The production recording, as `host --record` and `guest-broadcast record` start it.
      castPath = join(webState, 'curtain.cast');
      await fx.broadcast.startRecording(castPath);
      for (const g of live) await g.waitForText('BEFORE-CURTAIN-21');
      const known = new Set(route.flow().map((f) => f.name));
      const stall = await webGuest(route, 'resynchronised-browser', 100, 30);
      stalled = stall.watching;
      await stalled.waitForText('BEFORE-CURTAIN-21');
      const stalledName = route.flow().find((f) => !known.has(f.name))!.name;

      // The browser guest stops reading until it falls behind (its queue dropped).
      const flowOf = (): { drops: number; snapshots: number } => route.flow().find((f) => f.name === stalledName) ?? { drops: 0, snapshots: 0 };
      const socket = (stall.client.ws as unknown as { _socket: import('node:net').Socket })._socket;
      socket.pause();
      const heavy = heavyScreenCommand(fx.dir, 100, 30);
      for (let round = 0; round < 60 && flowOf().drops === 0; round++) {
        await typeLine(fx.tmux, fx.sessionName, `${heavy}; echo round-${round}`);
        await live[1].waitForText(`round-${round}`, 30_000);
      }
      assert.ok(flowOf().drops > 0, 'the stalled browser guest fell behind');
      await typeLine(fx.tmux, fx.sessionName, 'clear');

      await fx.broadcast.pause(CURTAIN_TEXT);
      for (const g of live) liveSawCurtain.push(await g.waitForText(CURTAIN_TEXT.slice(0, 30)).then(() => true, () => false));
      // A guest tries to lift it: the host's key (prefix, B), and tmux's command prompt.
      liveSsh.type('\x02B\x02:set -g @paused 0\r\x02:lock-client\r');
      await new Promise((r) => setTimeout(r, 600));
      stillPausedAfterGuestKeys = (await fx.broadcast.tmux.run(['show-options', '-gv', '@paused'])).trim() === '1';
      await typeLine(fx.tmux, fx.sessionName, `echo ${SECRET}-$((4000+321))`);
      await waitFor('the host pane to show the secret', async () => (await capturePane(fx.tmux, fx.sessionName)).join('\n').includes(`${SECRET}-4321`));

      // Joining during the pause.
      late.push(sshGuest(fx, 'late-ssh'), (await webGuest(route, 'late-browser', 80, 24)).watching);
      // Judged by the case below (a failure here would hide which promise broke).
      for (const g of late) lateSawCurtain.push(await g.waitForText(CURTAIN_TEXT.slice(0, 20)).then(() => true, () => false));
      // The stalled guest reads again: it is resynchronised from its group's screen, during the pause.
      stalledSnapshots.before = flowOf().snapshots;
      socket.resume();
      stalledSawCurtain = await stalled.waitForText(CURTAIN_TEXT.slice(0, 30), 60_000).then(() => true, () => false);
      stalledSnapshots.after = flowOf().snapshots;
      // More of the session while paused, with everyone connected.
      await typeLine(fx.tmux, fx.sessionName, `echo ${SECRET}-again-$((1+1))`);
      await waitFor('the host pane to show it', async () => (await capturePane(fx.tmux, fx.sessionName)).join('\n').includes(`${SECRET}-again-2`));
      await new Promise((r) => setTimeout(r, 700)); // a few of the curtain program's polls

      // The host clears the screen, then resumes; then a new marker.
      await typeLine(fx.tmux, fx.sessionName, 'clear');
      await waitFor('the cleared pane', async () => !(await capturePane(fx.tmux, fx.sessionName)).join('\n').includes(SECRET));
      const left = await fx.broadcast.resume();
      assert.equal(left, 0, 'every guest client unlocked');
      await typeLine(fx.tmux, fx.sessionName, 'echo AFTER-CURTAIN-$((40+2))');
      for (const g of [...live, ...late, stalled]) if (!(await g.waitForText('AFTER-CURTAIN-42').then(() => true, () => false))) missedAfter.push(g.name);
      const events = (): Array<[number, string, string]> => readFileSync(castPath, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as [number, string, string]);
      await waitFor('the recording to hold the marker typed after resume', () => events().some(([, code, data]) => code === 'o' && data.includes('AFTER-CURTAIN-42')), 20_000).catch(() => missedAfter.push('recording'));
      await fx.broadcast.stopRecording();
      cast = events();
    });

    after(async () => {
      for (const g of [...live, ...late, stalled]) g?.close();
      await fx?.cleanup();
      rmSync(webState, { recursive: true, force: true });
    });

    test(`curtain (${mode}): a marker typed on the host during a pause reaches no live guest (SSH, browser)`, () => {
      noSecret(live);
      assert.deepEqual(liveSawCurtain, [true, true], 'the live guests saw the curtain with its message');
      assert.ok(stillPausedAfterGuestKeys, "a guest's keys (prefix B, the command prompt) did not lift the curtain");
    });

    test(`curtain (${mode}): it reaches no guest who joins during the pause (SSH, browser); they see the curtain`, () => {
      noSecret(late);
      assert.deepEqual(lateSawCurtain, [true, true], 'the guests who joined during the pause saw the curtain');
    });

    test(`curtain (${mode}): it reaches no guest resynchronised during the pause`, () => {
      assert.ok(stalledSnapshots.after > stalledSnapshots.before, `the stalled guest was resynchronised (snapshots ${JSON.stringify(stalledSnapshots)})`);
      noSecret([stalled]);
      assert.ok(stalledSawCurtain, 'the resynchronised guest saw the curtain');
    });

    test(`curtain (${mode}): it reaches no recording; the recording marks where the curtain went down and up, with nothing between`, () => {
      assert.ok(!readFileSync(castPath, 'utf8').includes(SECRET), 'the recording holds bytes of what was typed during the pause');
      const down = cast.findIndex(([, code, data]) => code === 'm' && data === 'curtain down');
      const up = cast.findIndex(([, code, data]) => code === 'm' && data === 'curtain up');
      assert.ok(down >= 0 && up > down, `curtain markers in order: ${JSON.stringify(cast.filter(([, c]) => c === 'm'))}`);
      assert.deepEqual(cast.slice(down + 1, up), [], 'no event between the curtain markers');
    });

    test(`curtain (${mode}): after resume a new marker reaches all of them`, async () => {
      assert.deepEqual(missedAfter, [], 'every guest and the recording show the marker typed after resume');
      for (const g of [...live, ...late, stalled]) assert.ok((await g.lines()).join('\n').includes('AFTER-CURTAIN-42'), `${g.name} sees the session again`);
      assert.ok(cast.some(([, code, data]) => code === 'o' && data.includes('AFTER-CURTAIN-42')), 'the recording goes on after the curtain');
    });
  });
}
