// The Broadcast's recording API (what VS Code's *Start recording…* / *Stop recording* call), in
// both modes: the recording is of the host's screen at the HOST's size while a guest of another
// size watches; 'recording' says when it starts and stops; status() says the file; a second start
// is refused with the file it records; the file plays (rendered) to the host's pane; in system
// mode the recording's own tmux client is not counted as a guest.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MODES, ModeFixture, startMode } from '../helpers/broadcastModes';
import { renderCast } from '../helpers/castRecording';
import { opensshArgv } from '../helpers/embeddedFixture';
import { PtyClient, isRoot } from '../helpers/ptyClient';
import { waitFor } from '../helpers/screen';
import { capturePane, typeLine } from '../helpers/tmuxFixture';

const dir = mkdtempSync(join(tmpdir(), 'gb-brec-'));
after(() => rmSync(dir, { recursive: true, force: true }));

for (const mode of MODES) {
  const skip = mode === 'system' && !isRoot ? 'needs root (sshd logs guests in as the guest account)' : false;
  describe(`Broadcast.startRecording / stopRecording (${mode})`, { skip, timeout: 120_000 }, () => {
    let fx: ModeFixture;
    let guest: PtyClient;
    before(async () => {
      fx = await startMode(mode, { hostCols: 100, hostRows: 30 });
      guest = new PtyClient(opensshArgv(fx.port, mode === 'system' ? 'guest' : 'ruth', ['-o', 'IdentityFile=none', '-t']), { cols: 70, rows: 20 });
      await waitFor('the guest to watch', () => fx.broadcast.guests.length === 1, 30_000);
    });
    after(async () => {
      guest?.kill();
      await fx?.cleanup();
    });

    test("records the host's screen at the host's size (a guest of another size watching), says so, and plays to the host's pane", async () => {
      const file = join(dir, `${mode}.cast`);
      const said: Array<string | undefined> = [];
      fx.broadcast.on('recording', (path) => said.push(path));
      await fx.broadcast.startRecording(file);
      assert.equal(fx.broadcast.recording, file);
      assert.equal(fx.broadcast.status().recording, file);
      await assert.rejects(fx.broadcast.startRecording(join(dir, 'other.cast')), new RegExp(`^Error: Already recording to ${file}`));
      await typeLine(fx.tmux, fx.sessionName, `echo rec-${mode}-$((6*7))`);
      await guest.waitForText(`rec-${mode}-42`, 30_000);
      await waitFor("the recording to draw the host's pane", async () => {
        const pane = (await capturePane(fx.tmux, fx.sessionName)).map((l) => l.trimEnd());
        const played = (await renderCast(readFileSync(file, 'utf8'))).lines.map((l) => l.trimEnd());
        return pane.some((l) => l.includes(`rec-${mode}-42`)) && JSON.stringify(played.slice(0, pane.length)) === JSON.stringify(pane);
      }, 30_000);
      // The recording's read-only client is the fan-out's own, not a guest.
      await fx.broadcast.poll();
      assert.deepEqual(fx.broadcast.guests.map((g) => `${g.cols}x${g.rows}`), ['70x20']);
      assert.equal(await fx.broadcast.stopRecording(), file);
      assert.equal(fx.broadcast.recording, undefined);
      assert.equal(await fx.broadcast.stopRecording(), undefined);
      assert.deepEqual(said, [file, undefined]);
      const header = JSON.parse(readFileSync(file, 'utf8').split('\n')[0]) as { width: number; height: number };
      assert.deepEqual([header.width, header.height], [100, 30], "the host's terminal, not the guest's 70x20");
    });

    test('a full disk (/dev/full) ends the recording with recordingError; the broadcast and its guest go on', async () => {
      const failed = new Promise<Error>((resolve) => fx.broadcast.once('recordingError', resolve));
      await fx.broadcast.startRecording('/dev/full', { force: true });
      await typeLine(fx.tmux, fx.sessionName, `echo full-${mode}-$((6*7))`);
      assert.match((await failed).message, /^Recording to \/dev\/full stopped: the disk is full\./);
      await waitFor('the recording to be over', () => fx.broadcast.recording === undefined);
      await typeLine(fx.tmux, fx.sessionName, `echo on-${mode}-$((6*7))`);
      await guest.waitForText(`on-${mode}-42`, 30_000);
      assert.equal(fx.broadcast.ended, false);
    });
  });
}
