// `guest-broadcast relay --web` command lines it cannot take: exit status 2 and a message that
// says what to do, before anything connects to NATS or listens (no nats-server is started here).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'gb-relaywebcli-'));
const env = { ...process.env, XDG_CONFIG_HOME: join(dir, 'config'), XDG_RUNTIME_DIR: dir, HOME: dir };
after(() => rmSync(dir, { recursive: true, force: true }));

function relay(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // A NATS URL nothing listens on: a command line refused as usage never gets as far as it.
    execFile(process.execPath, [CLI, 'relay', '--nats', 'nats://127.0.0.1:1', ...args], { encoding: 'utf8', timeout: 30_000, env, cwd: dir }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

test('relay --web: a bad address, a certificate without its key, or TLS files without --web are usage errors', async () => {
  const pem = join(dir, 'cert.pem');
  writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
  const cases: Array<[string[], RegExp]> = [
    [['--web', 'not-an-address:x'], /--web/],
    [['--web', '8080', '--web-cert', pem], /--web-key is missing: TLS needs both --web-cert/],
    [['--web-cert', pem, '--web-key', pem], /--web-cert and --web-key serve the browser page: give --web \[ADDR:\]PORT too\./],
    [['--web', '8080', '--web-cert', join(dir, 'none.pem'), '--web-key', pem], /--web-cert .*none\.pem does not exist/],
  ];
  for (const [args, message] of cases) {
    const r = await relay(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stdout, '');
  }
});

test('relay --help describes --web and the browser link', async () => {
  const r = await new Promise<string>((resolve) => execFile(process.execPath, [CLI, 'relay', '--help'], { encoding: 'utf8', env }, (_e, stdout) => resolve(stdout)));
  assert.match(r, /--web \[ADDR:\]PORT +browser guests too/);
  assert.match(r, /--web-cert FILE/);
  assert.match(r, /http\(s\):\/\/THIS-MACHINE:PORT\/w\/<broadcast-id>\//);
});
