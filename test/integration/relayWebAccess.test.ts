// Browser guests through a relay honour the broadcast's --access as its SSH guests do (#18): a
// password broadcast's page asks for the passphrase, checked against the registry's verifier
// (wrong ones refused, then the socket closed as on the host's own page), and has no live stream
// (a player cannot give a passphrase); a keys broadcast's page and socket are a 403 saying to
// watch with ssh and a listed key. Real nats-server, host, relay (with --web) and a WebSocket
// client speaking the page's protocol (the page's own passphrase form is the host route's,
// tested in the webview and web suites).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { generateEd25519KeyPair } from '../../src/host/embedded/ed25519';
import { loadOrCreatePassphrase } from '../../src/host/embedded/passphrase';
import type { ServerMessage } from '../../src/wire/webGuestProtocol';
import { boundedTest } from '../helpers/embeddedFixture';
import { get } from '../helpers/rawHttp';
import { relayWorld } from '../helpers/relayWorld';
import { upgradeStatus } from '../helpers/upgradeStatus';
import { typeLine } from '../helpers/tmuxFixture';
import { waitFor } from '../helpers/wait';

const test = (name: string, fn: () => Promise<void>): void => boundedTest(name, fn, { timeoutMs: 90_000 });

/** A page's socket: the JSON messages it got, and the terminal output as text. */
function pageSocket(url: string, origin: string): { ws: WebSocket; messages: ServerMessage[]; output: () => string; closed: Promise<number> } {
  const ws = new WebSocket(url, { origin });
  const messages: ServerMessage[] = [];
  let output = '';
  ws.on('message', (data, isBinary) => {
    if (isBinary) output += Buffer.from(data as Buffer).toString('utf8');
    else messages.push(JSON.parse(data.toString()) as ServerMessage);
  });
  ws.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return { ws, messages, output: () => output, closed };
}

test('relay --web, --access password: the page asks for the passphrase; wrong ones are refused (then the socket closes), the right one watches; no live stream', async () => {
  const world = await relayWorld({ access: 'password' });
  try {
    const passphrase = loadOrCreatePassphrase(join(world.sock.dir, 'state'));
    const relay = await world.startRelay({ web: {} });
    const origin = relay.web!.origin;
    const port = relay.web!.address.port;
    await typeLine(world.sock.tmux, 'broadcast', 'echo behind-$((6*7))-passphrase');
    const page = await get(port, `/w/${world.id}/`);
    assert.equal(page.status, 200);

    const good = pageSocket(`ws://127.0.0.1:${port}/w/${world.id}/socket`, origin);
    await waitFor('hello', () => good.messages.some((m) => m.type === 'hello'), 20_000);
    assert.deepEqual(good.messages[0], { type: 'hello', session: 'broadcast', host: null, passphrase: 'required' });
    good.ws.send(JSON.stringify({ type: 'size', cols: 80, rows: 24 }));
    good.ws.send(JSON.stringify({ type: 'passphrase', value: 'not-it' }));
    await waitFor('the refusal', () => good.messages.some((m) => m.type === 'passphraseRefused'), 20_000);
    assert.equal(good.output(), '', 'nothing of the session before the passphrase');
    good.ws.send(JSON.stringify({ type: 'passphrase', value: passphrase }));
    await waitFor('accepted', () => good.messages.some((m) => m.type === 'hello' && m.passphrase === 'accepted'), 20_000);
    await waitFor('the session', () => good.output().includes('behind-42-passphrase'), 20_000);

    // Wrong every time: refused after the embedded server's number of attempts, having seen nothing.
    const bad = pageSocket(`ws://127.0.0.1:${port}/w/${world.id}/socket`, origin);
    await waitFor('hello', () => bad.messages.some((m) => m.type === 'hello'), 20_000);
    for (let i = 0; i < 10 && !bad.messages.some((m) => m.type === 'end'); i++) {
      const answered = bad.messages.length;
      bad.ws.send(JSON.stringify({ type: 'passphrase', value: `wrong-${i}` }));
      await waitFor('an answer', () => bad.messages.length > answered, 20_000);
    }
    const end = bad.messages.find((m) => m.type === 'end');
    assert.ok(end && end.type === 'end' && /too many wrong passphrases/.test(end.message), JSON.stringify(bad.messages));
    await bad.closed;
    assert.equal(bad.output(), '');

    // The live stream cannot ask for a passphrase: not served for this broadcast.
    assert.equal(await upgradeStatus(`ws://127.0.0.1:${port}/w/${world.id}/stream`, { protocols: ['v2.asciicast'] }), 404);
    good.ws.close();
  } finally {
    await world.cleanup();
  }
});

test('relay --web, --access keys: the page and its socket are a 403 saying to watch with ssh and a listed key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gb-relayweb-keys-'));
  const key = generateEd25519KeyPair('erin@laptop');
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, key.public + '\n');
  const world = await relayWorld({ access: 'keys', authorizedKeysFile: authorized });
  try {
    const relay = await world.startRelay({ web: {} });
    const port = relay.web!.address.port;
    const sshPort = relay.server.listenAddress.split(':').pop();
    const page = await get(port, `/w/${world.id}/`);
    assert.equal(page.status, 403);
    assert.match(page.body.toString('utf8'), new RegExp(`admits only guests with an SSH key the host listed, and browsers have none\\. Watch it with ssh and your key: ssh -i YOUR_KEY -p ${sshPort} ${world.id}@127\\.0\\.0\\.1`));
    for (const path of ['socket', 'stream']) {
      assert.equal(await upgradeStatus(`ws://127.0.0.1:${port}/w/${world.id}/${path}`, { origin: relay.web!.origin }), 403, path);
    }
  } finally {
    await world.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});
