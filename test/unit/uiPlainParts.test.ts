// The plain-Node helpers behind the VS Code commands: the visible root run of the bundled CLI,
// and the "is something answering there" probe used before adopting a broadcast.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { canConnect } from '../../src/host/listenProbe';
import { asRootCommandLine, bundledCli, rootRunLabel, visibleRunScript } from '../../src/ui/bundledCli';

test('the bundled CLI runs with this Node: as it is for root, else through sudo env, else through su', () => {
  const cli = bundledCli('/ext dir', ['setup-guest', '--apply']);
  assert.deepEqual(cli.argv, [process.execPath, '/ext dir/dist/cli.js', 'setup-guest', '--apply']);
  const electron = { argv: ['/usr/bin/node', '/ext dir/dist/cli.js', 'doctor'], env: { ELECTRON_RUN_AS_NODE: '1' } };
  const asUser = asRootCommandLine(electron, { isRoot: false, hasSudo: true });
  assert.equal(asUser, "sudo env ELECTRON_RUN_AS_NODE=1 /usr/bin/node '/ext dir/dist/cli.js' doctor");
  const withSu = asRootCommandLine(electron, { isRoot: false, hasSudo: false });
  assert.equal(withSu, "su -c 'env ELECTRON_RUN_AS_NODE=1 /usr/bin/node '\\''/ext dir/dist/cli.js'\\'' doctor'");
  const asRoot = asRootCommandLine({ argv: ['/usr/bin/node', 'cli.js'], env: {} }, { isRoot: true, hasSudo: false });
  assert.equal(asRoot, '/usr/bin/node cli.js');
  assert.equal(rootRunLabel({ isRoot: true, hasSudo: true }), 'Run as root');
  assert.equal(rootRunLabel({ isRoot: false, hasSudo: false }), 'Run with su');
});

test('the visible run script shows the command, runs it, reports failure and keeps its exit code', () => {
  const r = spawnSync('/bin/sh', ['-c', visibleRunScript("echo 'step one'; exit 3")], { encoding: 'utf8', input: '' });
  assert.equal(r.status, 3);
  assert.match(r.stdout, /^\$ echo 'step one'; exit 3\n\nstep one\n/);
  assert.match(r.stdout, /Failed \(exit 3\)/);
  const ok = spawnSync('/bin/sh', ['-c', visibleRunScript('true')], { encoding: 'utf8', input: '\n' });
  assert.equal(ok.status, 0);
  assert.match(ok.stdout, /Done\./);
});

test('canConnect answers true for a listening port and false once it is closed or malformed', async () => {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  const listen = `127.0.0.1:${address.port}`;
  assert.equal(await canConnect(listen), true);
  assert.equal(await canConnect(`0.0.0.0:${address.port}`), true, 'a wildcard address is probed on loopback');
  await new Promise((resolve) => server.close(resolve));
  assert.equal(await canConnect(listen), false);
  assert.equal(await canConnect('not an address'), false);
});
