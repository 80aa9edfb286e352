// The VS Code harness's safety net for folders under $HOME: only ones that appeared during the
// run, removed only where nothing else runs (CI), never a folder that was there before.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { HomeGuard } from '../vscode/harness/homeGuard';

test('removes only what appeared during the run, and only as the sole user', () => {
  const home = mkdtempSync(join(tmpdir(), 'gb-home-'));
  try {
    mkdirSync(join(home, '.config/chromium'), { recursive: true });
    const lines: string[] = [];
    const ci = new HomeGuard(home, ['.config/chromium', '.local/share/code-server'], true);
    mkdirSync(join(home, '.local/share/code-server'), { recursive: true });
    assert.deepEqual(ci.cleanup((l) => lines.push(l)), [join(home, '.local/share/code-server')]);
    assert.equal(existsSync(join(home, '.local/share/code-server')), false);
    assert.equal(existsSync(join(home, '.config/chromium')), true, 'a folder that was there before is kept');

    const shared = new HomeGuard(home, ['.local/share/code-server'], false);
    mkdirSync(join(home, '.local/share/code-server'), { recursive: true });
    shared.cleanup((l) => lines.push(l));
    assert.equal(existsSync(join(home, '.local/share/code-server')), true, 'on a shared machine it is only named');
    assert.match(lines.at(-1) ?? '', /left alone/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
