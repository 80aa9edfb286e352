// A host that re-keys in the middle of a broadcast (an OpenSSH server does after its RekeyLimit):
// ssh2 asks the viewer's host key check again, and a viewer that never answered froze there for
// good. Real parts: an ssh2 server playing the host, and the viewer as `watch` runs it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerChannel } from 'ssh2';
import { boundedTest, useCleanups } from '../helpers/embeddedFixture';
import { startFakeSshHost } from '../helpers/fakeSshHost';
import { screenShows, startWatcher } from '../helpers/watcher';

const root = mkdtempSync(join(tmpdir(), 'gb-viewer-rekey-'));
const { list: cleanups } = useCleanups();
cleanups.push(() => rmSync(root, { recursive: true, force: true }));

boundedTest('a host that re-keys mid-broadcast keeps its viewer live, output after the re-key shows, nothing is sent back', async () => {
  let channel: ServerChannel | undefined;
  const host = await startFakeSshHost({ offered: ['none', 'password'], acceptPassword: '', greeting: (c) => ((channel = c), c.write('before-the-rekey\r\n')) });
  cleanups.push(() => host.close());
  const viewer = startWatcher(root, cleanups, host.port);
  await screenShows(viewer, 'before-the-rekey');
  await viewer.until('live');

  await host.roundTrip();
  await host.roundTrip(); // and again: every re-key asks
  channel?.write('after-the-rekey\r\n');
  await screenShows(viewer, 'after-the-rekey', 10_000);
  assert.equal(viewer.states.at(-1)?.kind, 'live');
  assert.equal(host.inputBytes, 0);
  assert.deepEqual(viewer.events, []);
}, { timeoutMs: 60_000 });
