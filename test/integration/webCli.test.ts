// The real CLI (dist/cli.js) with --web: the banner gives the link, the page is served, a browser
// guest is listed by `status --json` from another process (with its route and address), the
// status JSON gives the link, `web-link --regenerate` drops the old link; bad --web options are
// usage errors (exit 2) that say what to do.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { boundedTest as test } from '../helpers/embeddedFixture';
import { PtyClient } from '../helpers/ptyClient';
import { get } from '../helpers/rawHttp';
import { waitFor } from '../helpers/screen';
import { TEST_SHELL } from '../helpers/tmuxFixture';
import { WebGuestClient } from '../helpers/webFixture';
import { CLI, cliWorld } from '../helpers/cliProcess';

const { sock, stateDir, env, cleanups, cli } = cliWorld('gb-webcli-');

interface StatusJson {
  viewers: Array<{ name: string; user: string; route?: string; address?: string; cols: number; rows: number }>;
  web: { url: string; listen: string; streamUrl: string } | null;
}

test('host --web: the banner and status --json give the link; a browser guest is listed; web-link --regenerate drops the old link', async () => {
  const h = new PtyClient(['node', CLI, 'host', '--socket', sock.socketPath, '--state-dir', stateDir, '--command', TEST_SHELL, '--tmux-config', '/dev/null', '--listen', '127.0.0.1:0', '--web', '0'], { cols: 200, rows: 40, env });
  cleanups.push(() => h.kill());
  await h.waitForText('Press Ctrl-C to stop the broadcast.');
  const url = /Browser guests open: +(http:\/\/127\.0\.0\.1:\d+\/w\/[A-Za-z0-9_-]{22}\/)/.exec(h.output)?.[1];
  assert.ok(url, h.output);
  assert.match(h.output, /Browser guests: listening on 127\.0\.0\.1:\d+, this machine only\./);
  const port = Number(new URL(url).port);
  const page = await get(port, new URL(url).pathname);
  assert.equal(page.status, 200);

  const status = JSON.parse((await cli(['status', '--json', '--socket', sock.socketPath])).stdout) as StatusJson;
  assert.equal(status.web?.url, url);
  assert.equal(status.web?.listen, `127.0.0.1:${port}`);
  assert.equal(status.web?.streamUrl, url.replace(/^http/, 'ws') + 'stream');

  const g = new WebGuestClient(url.replace(/^http/, 'ws') + 'socket');
  cleanups.push(() => g.close());
  await g.opened;
  g.size(90, 25);
  const listed = await waitFor('status --json to list the browser guest', async () => {
    const s = JSON.parse((await cli(['status', '--json', '--socket', sock.socketPath])).stdout) as StatusJson;
    return s.viewers.find((v) => v.route === 'web');
  }).then((v) => v as StatusJson['viewers'][number]);
  assert.equal(listed.user, 'browser');
  assert.deepEqual([listed.cols, listed.rows], [90, 25]);
  assert.match(listed.address ?? '', /^127\.0\.0\.1:\d+$/);
  await h.waitForText('browser started watching');

  const regenerated = await cli(['web-link', '--regenerate', '--state-dir', stateDir, '--socket', sock.socketPath]);
  assert.equal(regenerated.code, 0, regenerated.stderr);
  const newUrl = regenerated.stdout.trim();
  assert.match(newUrl, new RegExp(`^http://127\\.0\\.0\\.1:${port}/w/[A-Za-z0-9_-]{22}/$`));
  assert.notEqual(newUrl, url);
  const end = await g.waitForMessage('end');
  assert.match(end.message, /new link/);
  assert.equal((await get(port, new URL(url).pathname)).status, 404);
  assert.equal((await get(port, new URL(newUrl).pathname)).status, 200);
  await waitFor('status --json to give the new link', async () => (JSON.parse((await cli(['status', '--json', '--socket', sock.socketPath])).stdout) as StatusJson).web?.url === newUrl);
  const printed = await cli(['web-link', '--state-dir', stateDir, '--socket', sock.socketPath]);
  assert.equal(printed.stdout.trim(), newUrl);

  h.type('\x03');
  await h.waitForText('every guest was told');
});

test('bad --web options are usage errors that say what to do', async () => {
  const base = ['host', '--socket', join(sock.dir, 'never', 'sock'), '--state-dir', stateDir];
  const cert = join(sock.dir, 'cert.pem');
  writeFileSync(cert, '-----BEGIN CERTIFICATE-----\n');
  const cases: Array<[string[], RegExp]> = [
    [['--web', '0', '--access', 'keys'], /--web cannot be used with --access keys: browsers have no SSH keys.*--access password/],
    [['--web-cert', cert, '--web-key', cert], /--web-cert is only used with --web/],
    [['--web', '0', '--web-cert', cert], /--web-key is missing: TLS needs both --web-cert .* and --web-key/],
    [['--web', '0', '--web-cert', join(sock.dir, 'nope.pem'), '--web-key', cert], /--web-cert \S+nope\.pem does not exist/],
    [['--web', 'nonsense:port:x'], /--web "nonsense:port:x" is not a listen address/],
    [['--mode', 'system', '--web', '0', '--listen', '127.0.0.1:2222'], /--listen is for embedded mode/],
  ];
  for (const [args, message] of cases) {
    const r = await cli([...base, ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
  }
});

test('host --web on a port in use fails before serving anything, naming --web, and leaves no broadcast behind', async () => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const port = (busy.address() as AddressInfo).port;
  cleanups.push(() => busy.close());
  const socket = join(sock.dir, 'busy', 'sock');
  const r = await cli(['host', '--socket', socket, '--state-dir', stateDir, '--command', TEST_SHELL, '--tmux-config', '/dev/null', '--listen', '127.0.0.1:0', '--web', `127.0.0.1:${port}`]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`Port ${port} is already in use on 127\\.0\\.0\\.1.*choose another with --web`));
  const status = JSON.parse((await cli(['status', '--json', '--socket', socket])).stdout) as { broadcasting: boolean };
  assert.equal(status.broadcasting, false, 'the failed start took its tmux server back');
});
