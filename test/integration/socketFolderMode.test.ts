// The socket's folder is chmod-ed only when it is ours alone: a host (root, say) that puts its
// socket straight into a folder every user shares (/tmp: mode 1777) must leave that folder's
// mode as it was, in both modes, at start and in the system mode's fixup after a restart.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyPermissionFixup, prepareSocketDir } from '../../src/host/permissionFixup';
import { probeTmuxVersion, Tmux } from '../../src/tmux/tmux';

const modeOf = (path: string): number => statSync(path).mode & 0o7777;

function sharedFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gb-shared-'));
  chmodSync(dir, 0o1777); // as /tmp is
  return dir;
}

test('a socket put straight into a folder every user shares leaves its mode alone (start, both modes)', () => {
  const dir = sharedFolder();
  try {
    prepareSocketDir(join(dir, 'guest'), false);
    assert.equal(modeOf(dir).toString(8), '1777', 'embedded start changed the shared folder');
    prepareSocketDir(join(dir, 'guest'), true);
    assert.equal(modeOf(dir).toString(8), '1777', 'system start changed the shared folder');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a folder of our own gets 0700 (embedded) or 0711 (system)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gb-own-'));
  try {
    chmodSync(dir, 0o755);
    prepareSocketDir(join(dir, 'guest'), false);
    assert.equal(modeOf(dir).toString(8), '700');
    prepareSocketDir(join(dir, 'guest'), true);
    assert.equal(modeOf(dir).toString(8), '711');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the system mode's fixup on a real server whose socket is in a shared folder chmods the socket, not the folder", async () => {
  const dir = sharedFolder();
  const tmux = new Tmux(join(dir, 'guest'));
  try {
    await tmux.run(['-f', '/dev/null', 'new-session', '-d', '-s', 'broadcast', 'sleep 60']);
    // Any account other than ours will do as the guest: the fixup only names it to tmux.
    const guest = userInfo().username === 'nobody' ? 'root' : 'nobody';
    const report = await applyPermissionFixup(tmux, await probeTmuxVersion('tmux'), guest);
    assert.equal(modeOf(dir).toString(8), '1777', `the fixup changed the shared folder: ${report.applied.join('; ')}`);
    assert.equal(modeOf(tmux.socketPath).toString(8), '602');
  } finally {
    await tmux.killServer().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});
