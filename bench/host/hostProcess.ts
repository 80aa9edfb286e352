// The broadcast under test, in its own process as a user runs it (the CLI's `host`): the bench's
// viewers live in another process, so this process's memory is the broadcast's own. Bundled by
// bench/build.mjs with the same externals as dist/cli.js, so ssh2 runs without its optional
// native crypto exactly as it does for users.
//
// argv[2]: HostConfig as JSON. Prints one JSON line when ready ({ready, pid, tmuxPid, listen, webLink}),
// then serves until its stdin closes or SIGTERM, and stops the broadcast on the way out.
import { join } from 'node:path';
import * as pty from 'node-pty';
import { Broadcast } from '../../src/host/broadcast';
import { broadcastOptions } from '../../src/host/options/broadcast';
import { hostOptions } from '../../src/host/options/parse';
import { HostConfig, HostReady, hostShellCommand } from './hostConfig';

async function main(): Promise<void> {
  // `ciphers` chose which bundle runs (hostHandle.ts); what is left are the host's options.
  const { cwd, cols, rows, ciphers: _bundleChosen, route: _named, ...given } = JSON.parse(process.argv[2] ?? '') as HostConfig;
  // Through the model, as the CLI makes them: an option added there reaches the bench.
  const options = hostOptions({ command: hostShellCommand(), tmuxConfig: '/dev/null', ...given });
  const broadcast = await Broadcast.start({
    ...broadcastOptions(options, { names: {}, defaultStateDir: join(cwd, 'state') }),
    cwd,
    env: { ...process.env, HOME: cwd, LANG: 'C.UTF-8' },
  });

  // The host's own terminal (VS Code's terminal in real use): read-write, sets the window size,
  // and its output is read and dropped as a terminal would render it.
  const host = pty.spawn(broadcast.hostAttachArgv[0], broadcast.hostAttachArgv.slice(1), {
    name: 'xterm-256color',
    cols,
    rows,
    cwd,
    env: { ...process.env, TERM: 'xterm-256color', LANG: 'C.UTF-8' } as Record<string, string>,
  });
  host.onData(() => undefined);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    try {
      host.kill();
    } catch {
      // already gone
    }
    await broadcast.stop().catch(() => undefined);
    process.exit(0);
  };
  process.stdin.on('end', () => void stop());
  process.stdin.on('error', () => void stop());
  process.stdin.resume();
  process.once('SIGTERM', () => void stop());
  broadcast.on('error', (error) => process.stderr.write(`bench host: ${error.message}\n`));

  const tmuxPid = await broadcast.tmux.serverPid();
  // The same ssh2 module the server uses (bundled once): did its native ciphers load?
  const nativeCiphers = (require('ssh2/lib/protocol/crypto.js') as { bindingAvailable: boolean }).bindingAvailable;
  // The browser route's link, as the banner and status --json give it to guests.
  const webLink = broadcast.describeRoutes().find((r) => r.kind === 'web')?.join ?? null;
  const ready: HostReady = { ready: true, pid: process.pid, tmuxPid: tmuxPid ?? 0, listen: broadcast.listenAddress, webLink, nativeCiphers };
  process.stdout.write(JSON.stringify(ready) + '\n');
}

main().catch((error: unknown) => {
  process.stdout.write(JSON.stringify({ ready: false, error: error instanceof Error ? error.message : String(error) }) + '\n');
  process.exit(1);
});
