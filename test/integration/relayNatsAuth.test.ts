// NATS credentials and TLS for relays (#18), against real nats-server processes: user/password,
// a token, a TLS server (certificates made with openssl in the server's temp folder), and each
// way of getting it wrong refused with a message that names the option to fix. The host and
// the relay both connect through host/relay/natsConnection.ts; the CLI part checks the flags.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { connectNats, NATS_FIELD_NAMES, NatsAuth } from '../../src/host/relay/natsConnection';
import { natsAuthFlagNames, natsOptionNames } from '../../src/host/relay/natsAuthOptions';
import { startRelay } from '../../src/relay/startRelay';
import { CliProcess, cliWorld } from '../helpers/cliProcess';
import { boundedTest, opensshClient } from '../helpers/embeddedFixture';
import { freePort } from '../helpers/freePort';
import { startNatsServer } from '../helpers/natsServer';
import { relayWorld } from '../helpers/relayWorld';
import { makeNatsOperator } from '../helpers/natsJwt';
import { makeTestCa } from '../helpers/testCa';
import { typeLine, TEST_SHELL } from '../helpers/tmuxFixture';

const test = (name: string, fn: () => Promise<void>): void => boundedTest(name, fn, { timeoutMs: 90_000 });
const scratch = mkdtempSync(join(tmpdir(), 'gb-natsauth-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A relay that only tries to connect (its port and key are throwaway). */
async function relayWith(url: string, auth: NatsAuth, names = { ...NATS_FIELD_NAMES, urls: '--nats' }): Promise<void> {
  const relay = await startRelay({ urls: [url], auth, optionNames: names, listen: { host: '127.0.0.1', port: 0 }, keyPath: join(scratch, `key-${Math.random()}`), name: 'probe', maxGuests: 1, maxPerAddress: 1 });
  await relay.stop();
}

/** A guest watches through a relay of `world`: the host's line reaches it. */
async function watchesThroughRelay(world: Awaited<ReturnType<typeof relayWorld>>, marker: string): Promise<void> {
  const relay = await world.startRelay();
  const guest = world.guest(relay);
  await typeLine(world.sock.tmux, 'broadcast', `echo ${marker}`);
  await guest.waitForText(marker, 20_000);
}

const USERS = `authorization { users = [ { user: host, password: "host-pw-1" }, { user: relay, password: "relay-pw-1" } ] }`;

test('user and password: a host and a relay log in and a guest watches; a wrong password and none are refused, naming the options', async () => {
  const nats = await startNatsServer({ config: () => USERS });
  const world = await relayWorld({ nats, hostAuth: { user: 'host', pass: 'host-pw-1' }, relayAuth: { user: 'relay', pass: 'relay-pw-1' } });
  try {
    await watchesThroughRelay(world, 'user-and-password');
    const names = natsOptionNames(natsAuthFlagNames('nats'));
    await assert.rejects(relayWith(nats.url, { user: 'relay', pass: 'wrong' }, names), (e: Error) => {
      assert.match(e.message, /NATS at nats:\/\/127\.0\.0\.1:\d+ refused the credentials given \(--nats-user with the password from \$GUEST_BROADCAST_NATS_PASSWORD or --nats-password-file\): Authorization Violation/);
      assert.doesNotMatch(e.message, /wrong/, 'the password is never shown');
      return true;
    });
    await assert.rejects(relayWith(nats.url, {}, names), /NATS at .* needs credentials \(Authorization Violation\): give --nats-user NAME with the password in \$GUEST_BROADCAST_NATS_PASSWORD or --nats-password-file, or --nats-token-file/);
  } finally {
    await world.cleanup();
  }
});

test('a token: host and relay log in with it and a guest watches; a wrong token is refused', async () => {
  const nats = await startNatsServer({ config: () => `authorization { token: "tok-9f8e7d" }` });
  const world = await relayWorld({ nats, hostAuth: { token: 'tok-9f8e7d' }, relayAuth: { token: 'tok-9f8e7d' } });
  try {
    await watchesThroughRelay(world, 'with-a-token');
    await assert.rejects(relayWith(nats.url, { token: 'tok-wrong' }), /refused the credentials given \(token\): Authorization Violation/);
  } finally {
    await world.cleanup();
  }
});

test('TLS: with the CA given, host and relay connect and a guest watches; without it, with another CA, or to a server without TLS: clear errors', async () => {
  let ca: ReturnType<typeof makeTestCa> | undefined;
  const nats = await startNatsServer({
    config: (dir) => {
      ca = makeTestCa(dir);
      const server = ca.issue('nats-server');
      return `tls { cert_file: "${server.cert}", key_file: "${server.key}" }`;
    },
  });
  assert.ok(ca);
  const world = await relayWorld({ nats, hostAuth: { tlsCa: ca.cert }, relayAuth: { tlsCa: ca.cert } });
  try {
    await watchesThroughRelay(world, 'over-tls');
    const names = natsOptionNames(natsAuthFlagNames('nats'));
    // tls:// without a CA: TLS with the machine's CAs, which do not know this one.
    await assert.rejects(relayWith(nats.url.replace(/^nats:/, 'tls:'), {}, names), /The TLS connection to NATS at tls:\/\/.* failed \(.*\): its certificate is not signed by a CA this machine trusts/);
    await assert.rejects(relayWith(nats.url, {}, names), /The TLS connection to NATS at .* failed \(.*\): its certificate is not signed by a CA this machine trusts: give the CA's certificate with --nats-tls-ca FILE/);
    const other = makeTestCa(scratch, 'other-ca');
    await assert.rejects(relayWith(nats.url, { tlsCa: other.cert }, names), new RegExp(`its certificate is not signed by the CA in --nats-tls-ca ${other.cert}: give the CA that signed it`));
    const plain = await startNatsServer();
    try {
      await assert.rejects(relayWith(plain.url, { tlsCa: ca.cert }, names), /NATS at .* does not offer TLS, but --nats-tls-ca asks for it\. Enable TLS on the server, or leave the TLS options out\./);
      // tls:// asks for TLS by itself: never a plain-text connection (with a password) to a server without it.
      const tlsUrl = plain.url.replace(/^nats:/, 'tls:');
      await assert.rejects(relayWith(tlsUrl, {}, names), /NATS at tls:\/\/.* does not offer TLS, but the tls:\/\/ address in --nats asks for it\. Enable TLS on the server, or write nats:\/\/ to connect without TLS\./);
    } finally {
      await plain.stop();
    }
  } finally {
    await world.cleanup();
  }
});

test('a creds file (an operator, account and user JWTs made here with nkeys, as nsc makes them): host and relay log in and a guest watches; a user of another operator is refused', async () => {
  const operator = makeNatsOperator();
  const nats = await startNatsServer({ config: () => operator.config });
  const hostCreds = join(scratch, 'host.creds');
  const relayCreds = join(scratch, 'relay.creds');
  const strangerCreds = join(scratch, 'stranger.creds');
  writeFileSync(hostCreds, operator.userCreds('host'), { mode: 0o600 });
  writeFileSync(relayCreds, operator.userCreds('relay'), { mode: 0o600 });
  writeFileSync(strangerCreds, makeNatsOperator().userCreds('stranger'), { mode: 0o600 });
  const world = await relayWorld({ nats, hostAuth: { credsFile: hostCreds }, relayAuth: { credsFile: relayCreds } });
  try {
    await watchesThroughRelay(world, 'with-a-creds-file');
    await assert.rejects(relayWith(nats.url, { credsFile: strangerCreds }, natsOptionNames(natsAuthFlagNames('nats'))), /refused the credentials given \(--nats-creds\)/);
  } finally {
    await world.cleanup();
  }
});

test('bad files: a missing or non-PEM CA, a certificate without its key, a file that is not a creds file', async () => {
  const names = natsOptionNames(natsAuthFlagNames('relay'));
  const notPem = join(scratch, 'not.pem');
  writeFileSync(notPem, 'hello\n');
  const url = 'nats://127.0.0.1:1';
  await assert.rejects(connectNats([url], { tlsCa: join(scratch, 'missing.pem') }, 'x', names), new RegExp(`Cannot read --relay-tls-ca ${scratch}/missing\\.pem: it does not exist\\.$`));
  await assert.rejects(connectNats([url], { tlsCa: notPem }, 'x', names), /--relay-tls-ca .*not\.pem is not a PEM certificate \("-----BEGIN CERTIFICATE-----"\): give the CA certificate that signed the NATS server's certificate\.$/);
  await assert.rejects(connectNats([url], { tlsCert: notPem }, 'x', names), /--relay-tls-cert needs --relay-tls-key/);
  await assert.rejects(connectNats([url], { credsFile: notPem }, 'x', names), /--relay-creds .*not\.pem is not a NATS creds file \(a user JWT and an nkey seed, as `nsc generate creds` writes them\)/);
});

const cli = cliWorld('gb-natsauth-cli-');

test('the CLI: relay --nats-user and host --relay-user with the password from the environment and a file; secrets on the command line refused', async () => {
  const nats = await startNatsServer({ config: () => USERS });
  const relayPort = await freePort();
  const passwordFile = join(cli.sock.dir, 'host-password');
  writeFileSync(passwordFile, 'host-pw-1\n', { mode: 0o600 });
  const relay = new CliProcess(['relay', '--nats', nats.url, '--nats-user', 'relay', '--listen', `127.0.0.1:${relayPort}`, '--host-key', join(cli.sock.dir, 'relay-key'), '--name', 'auth-relay'], {
    ...cli.env,
    GUEST_BROADCAST_NATS_PASSWORD: 'relay-pw-1',
  });
  const host = new CliProcess(
    ['host', '--socket', cli.sock.socketPath, '--listen', '127.0.0.1:0', '--state-dir', cli.stateDir, '--command', TEST_SHELL, '--tmux-config', '/dev/null', '--relay', nats.url, '--relay-id', 'auth-cli', '--relay-user', 'host', '--relay-password-file', passwordFile],
    cli.env,
  );
  cli.cleanups.push(() => relay.kill(), () => host.kill());
  try {
    await relay.waitForOutput('Press Ctrl-C to stop the relay');
    await host.waitForOutput('Press Ctrl-C to stop the broadcast.');
    const guest = opensshClient(relayPort, { user: 'auth-cli' });
    cli.cleanups.push(() => guest.kill());
    await typeLine(cli.sock.tmux, 'broadcast', 'echo cli-with-credentials');
    await guest.waitForText('cli-with-credentials', 20_000);
    assert.doesNotMatch(relay.output + host.output, /pw-1/, 'no password printed');

    const inUrl = await cli.cli(['relay', '--nats', 'nats://relay:relay-pw-1@127.0.0.1:4222']);
    assert.equal(inUrl.code, 2);
    assert.match(inUrl.stderr, /--nats: give the NATS password with \$GUEST_BROADCAST_NATS_PASSWORD or --nats-password-file \(and the user with --nats-user\), not in the URL/);
    const noPassword = await cli.cli(['host', '--relay', nats.url, '--relay-user', 'host']);
    assert.equal(noPassword.code, 2);
    assert.match(noPassword.stderr, /--relay-user needs the user's password: put it in \$GUEST_BROADCAST_NATS_PASSWORD or in a file named by --relay-password-file \(never on the command line\)\./);
    const refused = await cli.cli(['relay', '--nats', nats.url, '--nats-user', 'relay', '--nats-password-file', passwordFile, '--listen', '127.0.0.1:0', '--host-key', join(cli.sock.dir, 'relay-key-2')]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /NATS at nats:\/\/127\.0\.0\.1:\d+ refused the credentials given \(--nats-user with the password from/);
  } finally {
    relay.kill();
    host.kill();
    await nats.stop();
  }
});
