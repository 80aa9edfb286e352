#!/usr/bin/env node
// `npm run demo:relay`: relays on NATS (#18) in one command, on this machine's loopback only.
// Builds dist/ if it is missing or older than src/, then starts a nats-server (JetStream, a temp
// store), a relay (`guest-broadcast relay`) and a host (`guest-broadcast host --relay`, its own
// tmux server on a socket in the temp folder, never the user's), prints how to watch, and on
// Ctrl-C or SIGTERM stops the host, the relay and nats-server in that order and removes its temp
// folder. The three run in sessions of their own, so Ctrl-C reaches only this script, which
// stops them in order: relay guests see the broadcast end before the relay goes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const CLI = join(ROOT, 'dist', 'cli.js');
const DEFAULT_PORT = 2223;
const DEFAULT_ID = 'demo';
const SESSION = 'broadcast';

const HELP = `Usage: npm run demo:relay -- [options]

Starts a nats-server, a relay and a host on this machine (loopback only) and prints how to
watch through the relay. Ctrl-C stops all three and removes their temp files.

Options:
  --port N        the relay's SSH port on 127.0.0.1 (default ${DEFAULT_PORT}; 0: any free port)
  --nats-port N   nats-server's port on 127.0.0.1 (default: any free port)
  --id NAME       the broadcast's id, the user name guests type (default ${DEFAULT_ID})
  --command CMD   what the host's session runs (default: your shell, after a greeting)
  -h, --help      this help

Needs nats-server (Debian: apt-get install nats-server; or NATS_SERVER=/path/to/nats-server) and tmux.
`;

const say = (line = '') => process.stdout.write(line + '\n');
// A terminal closed under us must not stop the clean-up half-way.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
const fail = (message, code = 1) => {
  process.stderr.write(`demo:relay: ${message}\n`);
  process.exit(code);
};

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'nats-port': { type: 'string' },
        id: { type: 'string' },
        command: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fail(`${error.message}\nRun npm run demo:relay -- --help for the options.`, 2);
  }
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const port = (name, text, fallback) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!/^\d+$/.test(text) || n > 65535) fail(`--${name} must be a port number from 0 to 65535 (0: any free port), not "${text}".`, 2);
    return n;
  };
  const id = values.id ?? DEFAULT_ID;
  // The relay protocol's rule for ids (src/wire/relayProtocol.ts: isBroadcastId).
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(id)) fail(`--id "${id}" is not a broadcast id: letters, digits, "-" and "_" only, 1 to 64 of them, starting with a letter or digit.`, 2);
  return { port: port('port', values.port, DEFAULT_PORT), natsPort: port('nats-port', values['nats-port'], 0), id, command: values.command };
}

/** nats-server: $NATS_SERVER, Debian's /usr/sbin/nats-server, or one on PATH. */
function findNatsServer() {
  if (process.env.NATS_SERVER) {
    if (!existsSync(process.env.NATS_SERVER)) fail(`NATS_SERVER=${process.env.NATS_SERVER} does not exist. Point it at a nats-server binary, or unset it to use /usr/sbin/nats-server.`);
    return process.env.NATS_SERVER;
  }
  const candidates = ['/usr/sbin/nats-server', ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'nats-server'))];
  const found = candidates.find((path) => existsSync(path));
  if (!found) fail('nats-server is not installed. On Debian or Ubuntu: apt-get install nats-server (or set NATS_SERVER=/path/to/nats-server), then run npm run demo:relay again.');
  return found;
}

/** Resolves with the port bound (a free one for 0); rejects with EADDRINUSE and the like. */
function probePort(port) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const bound = server.address().port;
      server.close(() => resolve(bound));
    });
  });
}

async function portFor(port, what, flag) {
  try {
    return await probePort(port);
  } catch (error) {
    if (error.code === 'EADDRINUSE') {
      fail(`port ${port} on 127.0.0.1 is in use (another relay or demo?), so the ${what} cannot listen there. Stop what uses it, or pick another port: npm run demo:relay -- ${flag} ${port + 1} (0: any free port).`);
    }
    fail(`the ${what} cannot listen on 127.0.0.1:${port}: ${error.message}.`);
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIfNeeded() {
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newestMtime(join(ROOT, 'src'))) return;
  say(existsSync(CLI) ? 'src/ changed since the last build: building…' : 'Building (dist/cli.js is missing)…');
  const r = spawnSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) fail('the build (node esbuild.mjs) failed; see above. Run npm ci first if node_modules is missing.');
}

/**
 * A child in a session of its own (Ctrl-C in the terminal reaches only this script); its output
 * kept for error messages, and `ready` resolves once `readyText` appears on stdout or stderr.
 */
function start(name, argv, readyText, timeoutMs = 20_000) {
  const proc = spawn(argv[0], argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const child = { name, proc, log: '', exited: false, code: null, ready: undefined, onLine: undefined };
  let partial = '';
  const onData = (d) => {
    const text = d.toString();
    child.log = (child.log + text).slice(-8000);
    if (!child.onLine) return;
    partial += text;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) child.onLine(line);
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  child.ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ${name} did not start within ${timeoutMs / 1000} s:\n${child.log.trim()}`)), timeoutMs);
    const check = () => {
      if (child.log.includes(readyText)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    proc.stdout.on('data', check);
    proc.stderr.on('data', check);
    proc.once('exit', (code, signal) => {
      child.exited = true;
      child.code = code ?? signal;
      clearTimeout(timer);
      reject(new Error(`the ${name} exited (${code ?? signal}) before it was ready:\n${child.log.trim()}`));
    });
    proc.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`the ${name} could not be started: ${error.message}`));
    });
  });
  child.ready.catch(() => undefined);
  return child;
}

/** Asks a child to stop with `signal`, then SIGKILL after `graceMs`; resolves once it is gone. */
function stop(child, signal, graceMs = 15_000) {
  if (!child || child.exited || child.proc.exitCode !== null || child.proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs);
    child.proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.proc.kill(signal);
  });
}

async function main() {
  const opts = options();
  const natsServer = findNatsServer();
  const relayPort = await portFor(opts.port, 'relay', '--port');
  const natsPort = await portFor(opts.natsPort, 'NATS server', '--nats-port');
  buildIfNeeded();

  const dir = mkdtempSync(join(tmpdir(), 'gb-demo-relay-'));
  const socket = join(dir, 'tmux', 'broadcast');
  mkdirSync(join(dir, 'tmux'), { mode: 0o700 });
  const children = { nats: undefined, relay: undefined, host: undefined };
  let stopping;
  const stopAll = (why) => {
    stopping ??= (async () => {
      if (why) say(`\n${why}: stopping the host, the relay and nats-server…`);
      // The host first: relay guests are told the broadcast ended while the relay still runs.
      await stop(children.host, 'SIGINT');
      await stop(children.relay, 'SIGINT');
      await stop(children.nats, 'SIGTERM');
      // The host ends its own tmux server; should it have been killed instead, end that too.
      if (existsSync(socket)) spawnSync('tmux', ['-S', socket, 'kill-server'], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };
  // `on`, not `once`: under npm a Ctrl-C arrives twice (from the terminal, and forwarded by npm),
  // and a second one must not end this script before it has stopped the three.
  for (const [signal, why] of [['SIGINT', 'Ctrl-C'], ['SIGTERM', 'SIGTERM'], ['SIGHUP', 'SIGHUP']]) {
    process.on(signal, () => {
      if (stopping) return;
      stopAll(why).then(() => (say(`Stopped; removed ${dir}.`), process.exit(0)));
    });
  }
  // A SIGTERM (or SIGKILL) to the npm running this ends npm and its shell, not this script: a
  // parent that went away stops the demo as Ctrl-C does, rather than leave the three running.
  const parent = process.ppid;
  setInterval(() => {
    if (stopping || process.ppid === parent) return;
    stopAll('Its parent (npm) ended').then(() => (say(`Stopped; removed ${dir}.`), process.exit(0)));
  }, 1000).unref();

  const natsUrl = `nats://127.0.0.1:${natsPort}`;
  const greeting = [
    'Guest Broadcast relay demo: this is the host session.',
    'Guests watching through the relay see what you type here.',
  ];
  const command = opts.command ?? `printf '%s\\n' ${greeting.map((l) => `'${l}'`).join(' ')}; exec "\${SHELL:-/bin/sh}"`;
  try {
    children.nats = start('nats-server', [natsServer, '-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', join(dir, 'nats')], 'Server is ready');
    await children.nats.ready;
    children.relay = start('relay', [process.execPath, CLI, 'relay', '--nats', natsUrl, '--listen', `127.0.0.1:${relayPort}`, '--name', 'demo-relay'], 'Press Ctrl-C to stop the relay');
    await children.relay.ready;
    children.host = start(
      'host',
      [process.execPath, CLI, 'host', '--socket', socket, '--session', SESSION, '--listen', '127.0.0.1:0', '--state-dir', join(dir, 'state'), '--relay', natsUrl, '--relay-id', opts.id, '--command', command],
      'Press Ctrl-C to stop the broadcast.',
    );
    await children.host.ready;
  } catch (error) {
    await stopAll();
    fail(`${error.message}\nNothing is left running; the temp folder is removed.`);
  }
  const fingerprint = /Host key fingerprint: +(\S+)/.exec(children.relay.log)?.[1] ?? '';

  say('Guest Broadcast relay demo: nats-server, a relay and a host, on 127.0.0.1 only.');
  say(`  nats-server  ${natsUrl} (JetStream; pid ${children.nats.proc.pid})`);
  say(`  relay        127.0.0.1:${relayPort} (pid ${children.relay.proc.pid}; host key ${fingerprint})`);
  say(`  host         broadcast "${opts.id}" (pid ${children.host.proc.pid}), registered on NATS; it only connects out`);
  say();
  say('Watch through the relay, in another terminal:');
  say(`  ssh -p ${relayPort} ${opts.id}@127.0.0.1`);
  say(`  node ${CLI} watch ${opts.id}@127.0.0.1:${relayPort}`);
  say('(The first time, ssh asks you to trust the relay\'s host key: the fingerprint above.)');
  say();
  say("Type in the host's session (what guests see):");
  say(`  tmux -S ${socket} attach -t ${SESSION}`);
  say();
  say(`Press Ctrl-C to stop all three (their temp files in ${dir} are removed).`);

  // From now on: who comes and goes, from the host's and the relay's own logs.
  for (const name of ['host', 'relay']) {
    const child = children[name];
    child.onLine = (line) => {
      if (/^\[[^\]]+\] /.test(line)) say(`[${name}] ${line}`);
    };
    child.proc.once('exit', (code, signal) => {
      child.exited = true;
      if (stopping) return;
      process.stderr.write(`demo:relay: the ${name} exited on its own (${code ?? signal}):\n${child.log.trim().split('\n').slice(-10).join('\n')}\n`);
      stopAll().then(() => process.exit(1));
    });
  }
  children.nats.proc.once('exit', (code, signal) => {
    children.nats.exited = true;
    if (stopping) return;
    process.stderr.write(`demo:relay: nats-server exited on its own (${code ?? signal}):\n${children.nats.log.trim().split('\n').slice(-10).join('\n')}\n`);
    stopAll().then(() => process.exit(1));
  });
}

main().catch((error) => fail(error.stack ?? String(error)));
