// Access policies on real clients: password (right in, wrong out, regenerated at once), keys
// (listed key in, other key out), open (any name in); and a restart keeps the host key.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreatePassphrase, regeneratePassphrase } from '../../src/host/embedded/passphrase';
import { emptyHome, opensshArgv, opensshClient, runClient, Ssh2Guest, startEmbedded, boundedTest, useCleanups } from '../helpers/embeddedFixture';
import { waitFor } from '../helpers/wait';
import { typeLine } from '../helpers/tmuxFixture';
import { generateEd25519KeyPair } from '../../src/host/embedded/ed25519';

const test = boundedTest;

const { list: cleanups, track } = useCleanups();

async function refused(port: number, config: Parameters<Ssh2Guest['connect']>[1]): Promise<Error> {
  const g = track(new Ssh2Guest());
  return g.connect(port, config).then(
    () => assert.fail('should have been refused'),
    (error: Error) => error,
  );
}

test('password policy: the passphrase lets in, a wrong one does not, a regenerated one applies at once', async () => {
  const fx = await startEmbedded({ access: 'password' });
  cleanups.push(() => fx.cleanup());
  const passphrase = loadOrCreatePassphrase(fx.stateDir);
  assert.match(passphrase, /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
  assert.equal(statSync(join(fx.stateDir, 'passphrase')).mode & 0o777, 0o600);
  await typeLine(fx.sock.tmux, 'broadcast', 'echo secret-screen');

  // OpenSSH: typed at the real password prompt.
  const ssh = track(opensshClient(fx.port, { user: 'carol', extra: ['-o', 'PubkeyAuthentication=no', '-o', 'NumberOfPasswordPrompts=1'] }));
  await ssh.waitForText('password:');
  ssh.type(passphrase + '\r');
  await ssh.waitForText('secret-screen');

  const wrong = track(opensshClient(fx.port, { extra: ['-o', 'PubkeyAuthentication=no', '-o', 'NumberOfPasswordPrompts=1'] }));
  await wrong.waitForText('password:');
  wrong.type('not-the-passphrase\r');
  await wrong.waitForText('Permission denied');
  assert.notEqual(await wrong.waitForExit(), 0);

  // ssh2: right, wrong, none at all.
  const ok = track(new Ssh2Guest());
  await ok.connect(fx.port, { password: passphrase });
  await ok.shell(80, 24);
  await ok.waitForText('secret-screen');
  assert.match((await refused(fx.port, { password: passphrase + 'x' })).message, /authentication methods failed/);
  assert.match((await refused(fx.port, {})).message, /authentication methods failed/);

  const renewed = regeneratePassphrase(fx.stateDir);
  assert.notEqual(renewed, passphrase);
  assert.match((await refused(fx.port, { password: passphrase })).message, /authentication methods failed/);
  const again = track(new Ssh2Guest());
  await again.connect(fx.port, { password: renewed });
});

test('keys policy: a listed key lets in (OpenSSH and ssh2), another key does not', async () => {
  const home = emptyHome();
  cleanups.push(home.cleanup);
  const allowed = generateEd25519KeyPair('dave@laptop');
  const other = generateEd25519KeyPair();
  const allowedFile = join(home.home, 'allowed_key');
  const otherFile = join(home.home, 'other_key');
  writeFileSync(allowedFile, allowed.private, { mode: 0o600 });
  writeFileSync(otherFile, other.private, { mode: 0o600 });
  const authorizedKeys = join(home.home, 'authorized_keys');
  writeFileSync(authorizedKeys, `# guests\n\nno-port-forwarding ${allowed.public}\nfrom="10.0.0.1" ${other.public}\n`);
  const warnings: string[] = [];
  const fx = await startEmbedded({ access: 'keys', authorizedKeysFile: authorizedKeys, onWarning: (w) => warnings.push(w) });
  cleanups.push(() => fx.cleanup());
  // The from= line cannot be honoured, so that key is not accepted (and the host is told).
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /line 4: option from cannot be honoured/);
  await typeLine(fx.sock.tmux, 'broadcast', 'echo keys-screen');

  const ssh = track(opensshClient(fx.port, { user: 'dave', home: home.home, extra: ['-o', `IdentityFile=${allowedFile}`, '-o', 'PasswordAuthentication=no'] }));
  await ssh.waitForText('keys-screen');

  const denied = await runClient([...opensshArgv(fx.port, 'dave', ['-o', `IdentityFile=${otherFile}`, '-o', 'PasswordAuthentication=no', '-o', 'BatchMode=yes']), 'true'], { env: { HOME: home.home } });
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /Permission denied \(publickey\)/, JSON.stringify(denied));

  const ok = track(new Ssh2Guest());
  await ok.connect(fx.port, { privateKey: allowed.private });
  await ok.shell(80, 24);
  await ok.waitForText('keys-screen');
  assert.match((await refused(fx.port, { privateKey: other.private })).message, /authentication methods failed/);
  assert.match((await refused(fx.port, { password: 'anything' })).message, /authentication methods failed/);
});

test('open policy lets any user name in with no password', async () => {
  const fx = await startEmbedded({ access: 'open' });
  cleanups.push(() => fx.cleanup());
  for (const name of ['guest', 'someone-else', 'root']) {
    const g = track(new Ssh2Guest());
    await g.connect(fx.port, { username: name });
    await g.shell(80, 24);
  }
  await waitFor('the server to list all three viewers', () => fx.server.guests().length === 3);
  assert.deepEqual(fx.server.guests().map((v) => v.user).sort(), ['guest', 'root', 'someone-else']);
});

test('a restart keeps the same host key (file 0600) and fingerprint, which clients see', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'gb-state-'));
  cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
  const first = await startEmbedded({}, stateDir);
  const fingerprint = first.server.fingerprint;
  assert.match(fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
  assert.equal(statSync(join(stateDir, 'ssh_host_ed25519_key')).mode & 0o777, 0o600);
  const seen = await new Promise<string>((resolve, reject) => {
    const g = track(new Ssh2Guest());
    g.connect(first.port, {
      hostHash: 'sha256',
      hostVerifier: (hash: string) => {
        resolve(hash);
        return true;
      },
    }).catch(reject);
  });
  // ssh2's hostVerifier gets the SHA-256 in hex; OpenSSH prints it as unpadded base64.
  assert.equal(Buffer.from(seen, 'hex').toString('base64').replace(/=+$/, ''), fingerprint.slice('SHA256:'.length));
  await first.cleanup();

  const second = await startEmbedded({}, stateDir);
  cleanups.push(() => second.cleanup());
  assert.equal(second.server.fingerprint, fingerprint);
  // OpenSSH's own view of the key (ssh-keyscan + ssh-keygen) agrees.
  const scan = await runClient(['ssh-keyscan', '-t', 'ed25519', '-p', String(second.port), '127.0.0.1']);
  const line = scan.stdout.split('\n').find((l) => l.includes('ssh-ed25519')) ?? '';
  const keyFile = join(stateDir, 'scanned.pub');
  writeFileSync(keyFile, line.replace(/^\S+\s+/, '') + '\n');
  const keygen = await runClient(['ssh-keygen', '-l', '-f', keyFile]);
  assert.ok(keygen.stdout.includes(fingerprint), keygen.stdout + keygen.stderr);
});
