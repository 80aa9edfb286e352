// One options model for the host (src/host/options): the CLI and the VS Code settings give it raw
// values and get the same validated options, or the same mistake named their own way; the tests
// and the bench give it typed values; one function makes the embedded server's options from it.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CLI_OPTION_NAMES, HOST_OPTION_KEYS, HostOptionKey, HostOptionNames, SETTING_NAMES } from '../../src/host/options/names';
import { HOST_BOUNDS, HostOptionError, HostOptions, hostOptions, parseHostOptions, RawHostOptions } from '../../src/host/options/parse';
import { broadcastOptions } from '../../src/host/options/broadcast';
import { embeddedServerOptions } from '../../src/host/options/embeddedServer';
import { EmbeddedSshRoute } from '../../src/host/routes/embeddedSshRoute';
import { systemJoinCommand, SystemSshRoute } from '../../src/host/routes/systemSshRoute';

const dir = mkdtempSync(join(tmpdir(), 'gb-hostopts-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const tmuxConf = join(dir, 'tmux.conf');
writeFileSync(tmuxConf, 'set -g status off\n');

const DEFAULTS: HostOptions = {
  mode: 'embedded',
  socketPath: undefined,
  sessionName: 'broadcast',
  guestUser: 'guest',
  sshPort: 22,
  command: undefined,
  tmuxConfig: undefined,
  listen: '127.0.0.1:2222',
  access: 'open',
  authorizedKeysFile: undefined,
  stateDir: undefined,
  maxViewers: 100,
  maxConnectionsPerAddress: 5,
  loginTimeoutMs: 10_000,
  maxSizeGroups: 16,
  web: undefined,
  record: undefined,
  relay: undefined,
};

const refused = (raw: RawHostOptions, names: HostOptionNames, pattern: RegExp, otherMode: 'refuse' | 'keep' = 'refuse'): void =>
  assert.throws(() => parseHostOptions(raw, names, otherMode), (e: Error) => e instanceof HostOptionError && pattern.test(e.message), `${JSON.stringify(raw)} should be refused with ${pattern}`);

test('nothing given: the defaults (blank and null count as not given)', () => {
  assert.deepEqual(parseHostOptions({}, CLI_OPTION_NAMES), DEFAULTS);
  const blank = Object.fromEntries(HOST_OPTION_KEYS.map((key) => [key, ' '])) as RawHostOptions;
  assert.deepEqual(parseHostOptions(blank, SETTING_NAMES, 'keep'), DEFAULTS);
  const nulls = Object.fromEntries(HOST_OPTION_KEYS.map((key) => [key, null])) as RawHostOptions;
  assert.deepEqual(parseHostOptions(nulls, SETTING_NAMES, 'keep'), DEFAULTS);
});

test('good values are kept (trimmed): strings as the CLI gives them, JSON types as settings.json holds them', () => {
  const fromCli = parseHostOptions(
    { listen: ' 0.0.0.0:2200', access: 'keys', authorizedKeysFile: '/etc/gb/keys ', stateDir: '/var/gb', maxViewers: '7', maxConnectionsPerAddress: ' 3 ', loginTimeout: '90', maxSizeGroups: '4', command: 'htop', tmuxConfig: tmuxConf, socketPath: '/run/gb/sock ', sessionName: ' work' },
    CLI_OPTION_NAMES,
  );
  assert.deepEqual(fromCli, {
    ...DEFAULTS,
    socketPath: '/run/gb/sock', sessionName: 'work', command: 'htop', tmuxConfig: tmuxConf, listen: '0.0.0.0:2200', access: 'keys',
    authorizedKeysFile: '/etc/gb/keys', stateDir: '/var/gb', maxViewers: 7, maxConnectionsPerAddress: 3, loginTimeoutMs: 90_000, maxSizeGroups: 4,
  });
  const fromSettings = parseHostOptions({ mode: 'system', guestUser: 'viewer', sshPort: 2022, maxViewers: 7, loginTimeout: 90, sessionName: 42 }, SETTING_NAMES, 'keep');
  assert.deepEqual(fromSettings, { ...DEFAULTS, mode: 'system', guestUser: 'viewer', sshPort: 2022, maxViewers: 7, loginTimeoutMs: 90_000, sessionName: '42' });
  // A number written as text in settings.json is still the number.
  assert.equal(parseHostOptions({ maxSizeGroups: '12' }, SETTING_NAMES, 'keep').maxSizeGroups, 12);
});

test('the login timeout: seconds in, ms kept; left out, the access policy says (longer for typing a passphrase)', () => {
  assert.equal(parseHostOptions({ loginTimeout: '5' }, CLI_OPTION_NAMES).loginTimeoutMs, 5000);
  assert.equal(parseHostOptions({}, CLI_OPTION_NAMES).loginTimeoutMs, 10_000);
  assert.equal(parseHostOptions({ access: 'password' }, CLI_OPTION_NAMES).loginTimeoutMs, 60_000);
  assert.equal(parseHostOptions({ access: 'password', loginTimeout: 20 }, SETTING_NAMES, 'keep').loginTimeoutMs, 20_000);
});

/** One bad value per option, and what its message must say after the option's name. */
const MISTAKES: Record<HostOptionKey, Array<[unknown, RegExp]>> = {
  mode: [['other', / must be "embedded" or "system" \(got "other"\)\.$/]],
  socketPath: [['rel/sock', / "rel\/sock" must be an absolute path \(or left out for the mode's default\)\.$/]],
  sessionName: [['a:b', / "a:b" is not allowed: use 1-64 letters, digits, '_' or '-'\.$/]],
  guestUser: [['Guest', / "Guest" is not a valid Unix user name: use a lower-case letter or '_'/], ['a'.repeat(33), / "a{33}" is not a valid Unix user name/]],
  sshPort: [['0', / must be a whole number from 1 to 65535 \(got "0"\)\.$/], [70000, / must be a whole number from 1 to 65535 \(got 70000\)\.$/]],
  command: [[{ run: 'sh' }, / must be text \(got \{"run":"sh"\}\)\.$/]],
  tmuxConfig: [['/does/not/exist', / \/does\/not\/exist does not exist\. Name a readable tmux config file, or leave the option out to load ~\/\.tmux\.conf\.$/], ['/', / \/ is a folder, not a file\./]],
  listen: [['nowhere', / "nowhere" is not a listen address \(no port\)\. Use HOST:PORT/], ['127.0.0.1:70000', / "127.0.0.1:70000" is not a listen address \(ports go up to 65535\)/]],
  access: [['everyone', / must be one of open, password, keys \(got "everyone"\)\.$/]],
  authorizedKeysFile: [[['a', 'b'], / must be text \(got \["a","b"\]\)\.$/]],
  stateDir: [[{}, / must be text \(got \{\}\)\.$/]],
  maxViewers: [['-5', / must be a whole number from 1 to 10000 \(got "-5"\)\.$/], [0, /\(got 0\)/], [2.5, /\(got 2\.5\)/], ['1e3', /\(got "1e3"\)/], [true, /\(got true\)/]],
  maxConnectionsPerAddress: [['10001', / must be a whole number from 1 to 10000 \(got "10001"\)\.$/]],
  loginTimeout: [['soon', / must be a whole number of seconds from 1 to 3600 \(got "soon"\)\.$/], [0, /of seconds from 1 to 3600 \(got 0\)/]],
  maxSizeGroups: [['0', / must be a whole number from 1 to 1000 \(got "0"\)\.$/]],
  web: [['a:b:c', / "a:b:c" is not a listen address/]],
  webCert: [['/c.pem', / is only used with .*web \(the browser route\)\.$/]],
  webKey: [['/k.pem', / is only used with .*web \(the browser route\)\.$/]],
  record: [['/tmp/casts/', / "\/tmp\/casts\/" names a folder: name a file, such as \/tmp\/casts\/session\.cast\.$/], [{}, / must be text \(got \{\}\)\.$/]],
  relay: [['http://x:1', /: "http:\/\/x:1" is not a NATS URL\. Give nats:\/\/HOST:PORT/]],
  relayId: [['abc', / is only used with .*relay \(guests watching through relays on NATS\)\.$/]],
  relayCreds: [['/x.creds', / is only used with .*relay \(the NATS server relays use\)\.$/]],
  relayUser: [['u', / is only used with .*relay \(the NATS server relays use\)\.$/]],
  relayPasswordFile: [['/p', / is only used with .*relay \(the NATS server relays use\)\.$/]],
  relayTokenFile: [['/t', / is only used with .*relay \(the NATS server relays use\)\.$/]],
  relayTlsCa: [['/ca.pem', / is only used with .*relay \(the NATS server relays use\)\.$/]],
  relayTlsCert: [['/c.pem', / is only used with .*relay \(the NATS server relays use\)\.$/]],
  relayTlsKey: [['/k.pem', / is only used with .*relay \(the NATS server relays use\)\.$/]],
};

test('--relay: NATS URLs, an id by the rule, any access policy (relays enforce it)', () => {
  const urlsAndId = (raw: RawHostOptions): unknown => {
    const relay = parseHostOptions(raw, CLI_OPTION_NAMES).relay;
    return relay && { urls: relay.urls, id: relay.id, auth: relay.auth };
  };
  assert.deepEqual(urlsAndId({ relay: 'nats://127.0.0.1:4222, nats://10.0.0.2:4222' }), { urls: ['nats://127.0.0.1:4222', 'nats://10.0.0.2:4222'], id: undefined, auth: {} });
  assert.deepEqual(urlsAndId({ relay: 'nats://h:1', relayId: 'team-demo_1' }), { urls: ['nats://h:1'], id: 'team-demo_1', auth: {} });
  refused({ relay: 'nats://h:1', relayId: 'a.b' }, CLI_OPTION_NAMES, /^--relay-id "a\.b" is not a valid id: letters, digits/);
  // Relays enforce the access policy (#18): password and keys go with --relay.
  assert.equal(parseHostOptions({ relay: 'nats://h:1', access: 'password' }, CLI_OPTION_NAMES).access, 'password');
  assert.equal(parseHostOptions({ mode: 'system', relay: 'nats://h:1', access: 'keys', authorizedKeysFile: '/k' }, CLI_OPTION_NAMES).authorizedKeysFile, '/k');
  // In system mode the relay route keeps its id in the state folder, as --web keeps its link.
  assert.equal(parseHostOptions({ mode: 'system', relay: 'nats://h:1', stateDir: '/tmp/x' }, CLI_OPTION_NAMES).stateDir, '/tmp/x');
});

test('every option of both naming tables: each mistake is named the way the user set it, with what to do', () => {
  const escape = (name: string): string => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const names of [CLI_OPTION_NAMES, SETTING_NAMES] as HostOptionNames[]) {
    for (const [key, name] of Object.entries(names) as Array<[HostOptionKey, string]>) {
      assert.ok(MISTAKES[key]?.length, `no mistake tested for ${name}`);
      for (const [value, tail] of MISTAKES[key]) {
        // Each option of its own mode, so the mistake is in its value, not its place.
        const raw: RawHostOptions = { [key]: value, ...(key === 'guestUser' || key === 'sshPort' ? { mode: 'system' } : {}) };
        refused(raw, names, new RegExp(`^${escape(name)}${tail.source.startsWith(' ') ? '' : '.*'}${tail.source}`), names === SETTING_NAMES ? 'keep' : 'refuse');
      }
    }
  }
  // Both tables name every option a user can set there; the CLI's names them all.
  assert.deepEqual(Object.keys(CLI_OPTION_NAMES), [...HOST_OPTION_KEYS]);
  assert.ok(Object.keys(SETTING_NAMES).every((key) => (HOST_OPTION_KEYS as readonly string[]).includes(key)));
});

test('the CLI refuses an option the mode (or access policy) never reads; the settings keep it, checked, for later', () => {
  for (const key of ['listen', 'access', 'authorizedKeysFile', 'stateDir', 'maxViewers', 'maxConnectionsPerAddress', 'loginTimeout', 'maxSizeGroups'] as const) {
    const good = { listen: '127.0.0.1:2222', access: 'password', authorizedKeysFile: '/k', stateDir: '/s', maxViewers: '3', maxConnectionsPerAddress: '3', loginTimeout: '3', maxSizeGroups: '3' }[key];
    refused({ mode: 'system', [key]: good }, CLI_OPTION_NAMES, new RegExp(`^${CLI_OPTION_NAMES[key]} is for embedded mode; in system mode sshd serves the guests\\.$`));
  }
  refused({ sshPort: '2222' }, CLI_OPTION_NAMES, /^--ssh-port is for system mode \(--mode system\); in embedded mode the built-in SSH server serves the guests, at the address of --listen\.$/);
  refused({ guestUser: 'viewer' }, CLI_OPTION_NAMES, /^--guest-user is for system mode/);
  refused({ authorizedKeysFile: '/k' }, CLI_OPTION_NAMES, /^--authorized-keys is only used with --access keys\.$/);
  refused({ access: 'password', authorizedKeysFile: '/k' }, CLI_OPTION_NAMES, /^--authorized-keys is only used with --access keys\.$/);
  // The value is checked before its place: fix what is wrong first, then where it goes.
  refused({ mode: 'system', maxViewers: '0' }, CLI_OPTION_NAMES, /^--max-viewers must be a whole number/);
  // Settings: every option always has a value; the other mode's stay as the user left them.
  const kept = parseHostOptions({ mode: 'system', listen: '0.0.0.0:2200', maxViewers: 3, authorizedKeysFile: '/k', sshPort: 2022 }, SETTING_NAMES, 'keep');
  assert.equal(kept.listen, '0.0.0.0:2200');
  assert.equal(kept.authorizedKeysFile, '/k');
  refused({ mode: 'system', listen: 'nowhere' }, SETTING_NAMES, /^guestBroadcast\.listen "nowhere" is not a listen address/, 'keep');
});

test('--web: refused with --access keys (browsers have no SSH keys); TLS needs both files; in system mode the browser route reads its share of the embedded options', () => {
  refused({ web: '8080', access: 'keys' }, CLI_OPTION_NAMES, /^--web cannot be used with --access keys: browsers have no SSH keys to log in with\. Use --access password/);
  refused({ web: '8080', access: 'keys' }, SETTING_NAMES, /^guestBroadcast\.web cannot be used with guestBroadcast\.access keys/, 'keep');
  refused({ web: '8080', webCert: '/c.pem' }, CLI_OPTION_NAMES, /^--web-key is missing: TLS needs both --web-cert .* and --web-key .*, or neither\.$/);
  refused({ web: '8080', webCert: '/nope.pem', webKey: '/nope.pem' }, CLI_OPTION_NAMES, /^--web-cert \/nope\.pem does not exist\. Name a readable PEM file\.$/);
  assert.equal(parseHostOptions({}, CLI_OPTION_NAMES).web, undefined);
  assert.deepEqual(parseHostOptions({ web: '8080' }, CLI_OPTION_NAMES).web, { listen: '8080', tls: undefined });
  const system = parseHostOptions({ mode: 'system', web: '0.0.0.0:8080', access: 'password', stateDir: '/s', maxViewers: '3' }, CLI_OPTION_NAMES);
  assert.deepEqual([system.access, system.stateDir, system.maxViewers, system.web?.listen], ['password', '/s', 3, '0.0.0.0:8080']);
  refused({ mode: 'system', web: '8080', listen: '127.0.0.1:2222' }, CLI_OPTION_NAMES, /^--listen is for embedded mode/);
});

test('the tmux config must be readable: /dev/null (no config at all) passes, a relative path is made absolute', () => {
  assert.equal(parseHostOptions({ tmuxConfig: '/dev/null' }, CLI_OPTION_NAMES).tmuxConfig, '/dev/null');
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    assert.equal(parseHostOptions({ tmuxConfig: 'tmux.conf' }, CLI_OPTION_NAMES).tmuxConfig, tmuxConf);
  } finally {
    process.chdir(cwd);
  }
  if (process.getuid?.() !== 0) {
    // Root reads anything, so the permission case only means something for another user.
    const locked = join(dir, 'locked.conf');
    writeFileSync(locked, '');
    chmodSync(locked, 0);
    refused({ tmuxConfig: locked }, CLI_OPTION_NAMES, /cannot be read \(permission denied\)/);
  }
});

test('typed values (tests, bench): the defaults fill the rest and the same rules check them', () => {
  assert.deepEqual(hostOptions(), DEFAULTS);
  assert.deepEqual(hostOptions({ access: 'password' }).loginTimeoutMs, 60_000);
  // ms here: a test wants a login timeout shorter than the CLI's whole seconds.
  assert.equal(hostOptions({ loginTimeoutMs: 1500 }).loginTimeoutMs, 1500);
  assert.throws(() => hostOptions({ loginTimeoutMs: 0 }), /^Error: loginTimeoutMs must be a whole number from 1 to 3600000 \(got 0\)\.$/);
  assert.throws(() => hostOptions({ maxViewers: 0 }), (e: Error) => e instanceof HostOptionError && /^maxViewers must be a whole number from 1 to 10000 \(got 0\)\.$/.test(e.message));
  assert.throws(() => hostOptions({ listen: 'nowhere' }), /^Error: listen "nowhere" is not a listen address/);
  // Port 0 (a free port, for tests) is a listen address.
  assert.equal(hostOptions({ listen: '127.0.0.1:0' }).listen, '127.0.0.1:0');
});

test('one function makes the embedded server options, naming options as the source does', () => {
  const host = parseHostOptions({ access: 'keys', authorizedKeysFile: '/k', maxViewers: '7', maxConnectionsPerAddress: '2', loginTimeout: '30', maxSizeGroups: '3', listen: '0.0.0.0:2200' }, CLI_OPTION_NAMES);
  const onWarning = (): void => undefined;
  const cli = embeddedServerOptions(host, { names: CLI_OPTION_NAMES, defaultStateDir: '/home/u/.config/guest-broadcast', onWarning });
  assert.deepEqual(cli, {
    listen: '0.0.0.0:2200', access: 'keys', stateDir: '/home/u/.config/guest-broadcast', authorizedKeysFile: '/k', maxViewers: 7, maxConnectionsPerAddress: 2,
    handshakeTimeoutMs: 30_000, maxSizeGroups: 3, maxAuthAttempts: undefined, listenSettingName: '--listen', authorizedKeysSettingName: '--authorized-keys',
    handshakeTimeoutSettingName: '--login-timeout', appRoot: undefined, onJoin: undefined, onLeave: undefined, onWarning,
  });
  const vscode = embeddedServerOptions({ ...host, stateDir: '/given' }, { names: SETTING_NAMES, defaultStateDir: '/storage', appRoot: '/app', maxAuthAttempts: 3 });
  assert.equal(vscode.stateDir, '/given');
  assert.equal(vscode.listenSettingName, 'guestBroadcast.listen');
  assert.equal(vscode.authorizedKeysSettingName, 'the setting guestBroadcast.authorizedKeysFile');
  assert.equal(vscode.handshakeTimeoutSettingName, 'guestBroadcast.loginTimeout');
  assert.equal(vscode.appRoot, '/app');
  assert.equal(vscode.maxAuthAttempts, 3);
});

test('the broadcast side of the options: the route the mode names, and the tmux server', () => {
  const host = parseHostOptions({ mode: 'system', socketPath: '/run/s', sessionName: 'w', guestUser: 'viewer', sshPort: '2022', command: 'htop', tmuxConfig: '/dev/null' }, CLI_OPTION_NAMES);
  const { routes, ...rest } = broadcastOptions(host, { names: CLI_OPTION_NAMES, defaultStateDir: '/state' });
  assert.deepEqual(rest, { socketPath: '/run/s', sessionName: 'w', command: 'htop', configFile: '/dev/null' });
  assert.equal(routes.length, 1);
  assert.ok(routes[0] instanceof SystemSshRoute);
  assert.deepEqual(routes[0].options, { guestUser: 'viewer', sshPort: 2022 });
  assert.equal(routes[0].describe().join, systemJoinCommand('viewer', 2022));

  const embedded = parseHostOptions({ listen: '127.0.0.1:2300', access: 'password', maxViewers: '7' }, CLI_OPTION_NAMES);
  const [route] = broadcastOptions(embedded, { names: CLI_OPTION_NAMES, defaultStateDir: '/state' }).routes;
  assert.ok(route instanceof EmbeddedSshRoute);
  assert.equal(route.options.listen, '127.0.0.1:2300');
  assert.equal(route.options.access, 'password');
  assert.equal(route.options.maxViewers, 7);
  assert.equal(route.options.stateDir, '/state');
});

test("package.json declares every setting of SETTING_NAMES, with the model's defaults and ranges", () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default?: unknown; minimum?: number; maximum?: number; enum?: string[] }> } };
  };
  const declared = pkg.contributes.configuration.properties;
  for (const [key, name] of Object.entries(SETTING_NAMES) as Array<[HostOptionKey, string]>) {
    const setting = declared[name];
    assert.ok(setting, `${name} is not declared in package.json`);
    // The declared default is what the model makes of "not given" (null and '' mean the default).
    const fromDefault = parseHostOptions({ [key]: setting.default }, SETTING_NAMES, 'keep');
    assert.deepEqual(fromDefault, DEFAULTS, `${name}'s default in package.json`);
    if (key in HOST_BOUNDS) {
      const bounds = HOST_BOUNDS[key as keyof typeof HOST_BOUNDS];
      assert.deepEqual([setting.minimum, setting.maximum], [bounds.min, bounds.max], `${name}'s range in package.json`);
    }
  }
  assert.deepEqual(declared['guestBroadcast.access'].enum, ['open', 'password', 'keys']);
  assert.deepEqual(declared['guestBroadcast.mode'].enum, ['embedded', 'system']);
});

test('guestBroadcast.relay: a settings list of NATS URLs, an empty list is off, and what is not a list of URLs is named', () => {
  const relay = parseHostOptions({ relay: ['nats://127.0.0.1:4222', ' nats://10.0.0.2:4222 '], relayId: 'team' }, SETTING_NAMES).relay;
  assert.deepEqual([relay?.urls, relay?.id, relay?.auth], [['nats://127.0.0.1:4222', 'nats://10.0.0.2:4222'], 'team', {}]);
  // The NATS login settings, named as settings in what is refused.
  refused({ relayUser: 'host-1' }, SETTING_NAMES, /^guestBroadcast\.relayUser is only used with guestBroadcast\.relay/);
  assert.equal(parseHostOptions({ relay: [] }, SETTING_NAMES).relay, undefined);
  refused({ relay: ['http://x:1'] }, SETTING_NAMES, /^guestBroadcast\.relay: "http:\/\/x:1" is not a NATS URL/);
  refused({ relay: [4222] }, SETTING_NAMES, /^guestBroadcast\.relay must be a list of NATS URLs .*; 4222 is not text\./);
  refused({ relay: ['nats://a:1,nats://b:2'] }, SETTING_NAMES, /^guestBroadcast\.relay: give each NATS URL as its own item/);
  refused({ relay: { url: 'nats://a:1' } }, SETTING_NAMES, /^guestBroadcast\.relay must be a list of NATS URLs/);
  refused({ relayId: 'x' }, SETTING_NAMES, /^guestBroadcast\.relayId is only used with guestBroadcast\.relay/);
});
