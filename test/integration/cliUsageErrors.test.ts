// Every command of the real CLI refuses a command line it cannot take with exit status 2 and a
// message that says what to do; an unknown option or a missing value points to the command's
// --help. None of these starts anything (no tmux server, no listener).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CLI_OPTION_NAMES } from '../../src/host/options/names';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'gb-usage-'));
const env = { ...process.env, XDG_CONFIG_HOME: join(dir, 'config'), XDG_RUNTIME_DIR: dir, HOME: dir };
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000, env, cwd: dir }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const COMMANDS = ['host', 'status', 'stop', 'passphrase', 'watch', 'setup-guest', 'doctor'];

test('every command: an unknown option exits 2 and points to the command\'s --help', async () => {
  for (const command of COMMANDS) {
    const r = await cli([command, '--no-such-option']);
    assert.equal(r.code, 2, `${command}: ${r.stderr}`);
    assert.equal(r.stderr, `guest-broadcast ${command}: Unknown option '--no-such-option'.\nRun 'guest-broadcast ${command} --help' for its options.\n`);
    assert.equal(r.stdout, '');
  }
});

test('every command: --help exits 0 with its usage on stdout', async () => {
  for (const command of COMMANDS) {
    const r = await cli([command, '--help']);
    assert.equal(r.code, 0, `${command}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^Usage: guest-broadcast ${command}`), command);
  }
});

test('host --help gives the login timeout\'s longer default for password access', async () => {
  const r = await cli(['host', '--help']);
  assert.match(r.stdout, /--login-timeout SECONDS +time from connecting to watching, password typing included; a\n +guest who takes longer is told so \(default: 10, or\n +60 with --access password/);
});

test('host --help lists every host option of the model', async () => {
  const r = await cli(['host', '--help']);
  for (const flag of Object.values(CLI_OPTION_NAMES)) assert.match(r.stdout, new RegExp(`\\n  ${flag} `), flag);
});

test('status, stop and doctor --help explain their options', async () => {
  const status = await cli(['status', '--help']);
  assert.match(status.stdout, /\n  --json +print one JSON object for scripts/);
  assert.match(status.stdout, /\n  --mode embedded\|system +which mode's default socket to look at first/);
  assert.match(status.stdout, /\n  --socket PATH +the broadcast's tmux socket/);
  const stop = await cli(['stop', '--help']);
  assert.match(stop.stdout, /every guest is told the broadcast ended/);
  assert.match(stop.stdout, /\n  --mode embedded\|system +which mode's default socket to look at first/);
  const doctor = await cli(['doctor', '--help']);
  assert.match(doctor.stdout, /--sshd-config PATH +the sshd_config to check \(read only\)/);
  assert.doesNotMatch(doctor.stdout, /to change/);
  const setup = await cli(['setup-guest', '--help']);
  assert.match(setup.stdout, /--sshd-config PATH +the sshd_config to change/);
});

test('every command: a bad value or a misplaced word exits 2 with what to do', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['host', '--listen', 'nowhere'], /--listen "nowhere" is not a listen address \(no port\)\. Use HOST:PORT/],
    [['host', '--listen', '127.0.0.1:70000'], /ports go up to 65535/],
    [['host', '--access', 'everyone'], /--access must be one of open, password, keys/],
    [['host', '--mode', 'system', '--listen', '127.0.0.1:2222'], /--listen is for embedded mode/],
    [['host', '--mode', 'system', '--guest-user', 'Guest'], /--guest-user "Guest" is not a valid Unix user name: use a lower-case letter/],
    [['host', '--guest-user', 'a'.repeat(33)], /--guest-user "a{33}" is not a valid Unix user name/],
    [['host', '--session', 'my:session'], /--session "my:session" is not allowed: use 1-64 letters, digits, '_' or '-'/],
    [['host', '--socket', 'relative/sock'], /--socket "relative\/sock" must be an absolute path/],
    [['host', '--tmux-config', '/does/not/exist'], /--tmux-config \/does\/not\/exist does not exist\. Name a readable tmux config file/],
    [['host', '--tmux-config', '/'], /--tmux-config \/ is a folder, not a file/],
    [['host', '--login-timeout', '-1'], /--login-timeout must be a whole number of seconds from 1 to 3600 \(got "-1"\)/],
    [['host', '--login-timeout', '0'], /--login-timeout must be a whole number of seconds from 1 to 3600 \(got "0"\)/],
    [['host', '--max-viewers', '-5'], /--max-viewers must be a whole number from 1 to 10000 \(got "-5"\)/],
    [['host', '--ssh-port', '2222'], /--ssh-port is for system mode \(--mode system\); in embedded mode the built-in SSH server serves the guests, at the address of --listen\./],
    [['host', '--mode', 'system', '--ssh-port', '0'], /--ssh-port must be a whole number from 1 to 65535 \(got "0"\)/],
    [['host', '--mode', 'system', '--max-size-groups', '4'], /--max-size-groups is for embedded mode; in system mode sshd serves the guests\./],
    [['host', '--max-per-address', '1e3'], /--max-per-address must be a whole number from 1 to 10000 \(got "1e3"\)/],
    [['host', 'extra'], /Unexpected argument 'extra'.*\nRun 'guest-broadcast host --help'/],
    [['status', '--mode', 'other'], /--mode must be "embedded" or "system"/],
    [['status', 'extra'], /Unexpected argument 'extra'/],
    [['stop', '--mode', 'other'], /--mode must be "embedded" or "system"/],
    [['passphrase', '--state-dir'], /--state-dir needs a value: --state-dir STATE_DIR\.\nRun 'guest-broadcast passphrase --help'/],
    [['pause', '--message'], /--message needs a value: --message MESSAGE\./],
    [['host', '--sesion', 'talk'], /Unknown option '--sesion'\. Did you mean --session\?\nRun 'guest-broadcast host --help'/],
    [['record', '--stpo'], /Unknown option '--stpo'\. Did you mean --stop\?/],
    [['watch'], /Name one host to watch/],
    [['watch', 'a', 'b'], /Name one host to watch/],
    [['watch', '--port', '0', 'h'], /--port must be a whole number from 1 to 65535/],
    [['watch', '--cols', '100', 'h'], /--cols only applies to --snapshot/],
    [['setup-guest'], /Say what to do: --print shows the setup script/],
    [['setup-guest', '--print', '--guest-user', 'Root'], /not a valid Unix user name/],
    [['doctor', '--sshd-config', 'relative/path'], /must be an absolute path/],
  ];
  for (const [args, pattern] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(' '));
  }
});

test('host --access keys without a keys file names the CLI option, not the VS Code setting', async () => {
  const r = await cli(['host', '--access', 'keys', '--state-dir', join(dir, 'state-keys'), '--socket', join(dir, 'keys-sock'), '--listen', '127.0.0.1:0']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /Cannot read the authorized keys file .*authorized_keys: it does not exist\..* or name another file with --authorized-keys\./);
  assert.doesNotMatch(r.stderr, /guestBroadcast\./);
});

test('no command, or an unknown one, exits 2 with the list of commands on stderr', async () => {
  for (const args of [[], ['no-such-command']]) {
    const r = await cli(args);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Usage: guest-broadcast <command>[\s\S]*Exit status: 0 done, 1 it failed .*, 2 the command line is wrong\./);
  }
  const help = await cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: guest-broadcast <command>/);
});
