// The ways README gives to run the CLI from a checkout: `npx guest-broadcast` (the package's
// "bin") and a symlink to dist/cli.js in a folder on PATH. Both run the real built CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');

function run(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { ...options, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr: stderr + (error && typeof error.code !== 'number' ? error.message : '') });
    });
  });
}

test('README: npx guest-broadcast runs the CLI in the checkout without installing anything', async () => {
  const r = await run('npx', ['guest-broadcast', '--help'], { cwd: ROOT });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Usage: guest-broadcast <command>/);
});

test('README: a symlink to dist/cli.js on PATH runs the CLI from any folder', async () => {
  const bin = mkdtempSync(join(tmpdir(), 'gb-bin-'));
  try {
    symlinkSync(join(ROOT, 'dist', 'cli.js'), join(bin, 'guest-broadcast'));
    const r = await run('guest-broadcast', ['status', '--help'], { cwd: '/', env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Usage: guest-broadcast status/);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});
