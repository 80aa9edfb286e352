// Ctrl-C (or SIGTERM) while `host` is still starting is a stop like any other: the tmux server it
// has just made goes, and the process says so. Node's default exit used to leave that server and
// its shell running, served by nobody.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { Tmux } from '../../src/tmux/tmux';
import { boundedTest as test } from '../helpers/embeddedFixture';
import { CliProcess } from '../helpers/cliProcess';
import { freePort } from '../helpers/freePort';
import { tempSocket, TEST_SHELL } from '../helpers/tmuxFixture';
import { waitFor } from '../helpers/wait';

const sock = tempSocket('gb-earlysig-');
const env = { XDG_CONFIG_HOME: join(sock.dir, 'config'), XDG_RUNTIME_DIR: sock.dir };
const procs: CliProcess[] = [];
const sockets: string[] = [];
after(async () => {
  for (const p of procs) p.kill();
  for (const s of sockets) await new Tmux(s).killServer().catch(() => undefined);
  await sock.cleanup();
});

test('a signal while host is starting stops the broadcast it made: no tmux server is left behind', async () => {
  let early = 0;
  // The window between tmux's socket appearing and the banner is short: try a few times, and
  // require that at least one signal landed inside it (else the test would prove nothing).
  for (let attempt = 0; attempt < 6 && early < 2; attempt++) {
    const socketPath = join(sock.dir, `try${attempt}`, 'guest');
    sockets.push(socketPath);
    const signal: NodeJS.Signals = attempt % 2 === 0 ? 'SIGINT' : 'SIGTERM';
    const host = new CliProcess(['host', '--socket', socketPath, '--state-dir', join(sock.dir, 'state'), '--command', TEST_SHELL, '--tmux-config', '/dev/null', '--listen', `127.0.0.1:${await freePort()}`], env);
    procs.push(host);
    await waitFor('the tmux socket to appear', () => existsSync(socketPath) || host.exit !== undefined, 15_000, 2);
    host.signal(signal);
    assert.equal(await host.waitForExit(), 0, host.output);
    assert.equal(await new Tmux(socketPath).serverPid(), undefined, `a tmux server was left running after ${signal}:\n${host.output}`);
    if (!host.output.includes('Press Ctrl-C')) {
      early++;
      assert.match(host.output, new RegExp(`${signal} while starting: stopping the broadcast…\\nThe broadcast has ended\\.`));
    }
  }
  assert.ok(early > 0, 'no signal landed while the host was starting');
});
