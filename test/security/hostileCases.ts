// The hostile-guest catalogue: every way a guest may try to reach past "watch". Each case only
// attacks (and checks what is specific to it); hostileHarness.ts asserts around every case that
// the host's session, input line and window size are unchanged and that another viewer still
// sees live output. Cases run against both modes unless `modes` says otherwise.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';
import { ClientChannel } from 'ssh2';
import { embeddedGuestServerFactory } from '../../src/host/embedded/index';
import { listClients } from '../../src/tmux/clients';
import { Tmux } from '../../src/tmux/tmux';
import { Ssh2Guest } from '../helpers/embeddedFixture';
import { waitFor } from '../helpers/screen';
import { typeLine } from '../helpers/tmuxFixture';
import { CaseContext, HostileCase } from './hostileHarness';
import { fuzzHandshake, fuzzChannelRequests } from './sshFuzz';

/** Opens an OpenSSH guest and an ssh2 guest, both watching, and sends each chunk from both. */
async function fromBothClients(ctx: CaseContext, chunks: string[], options: { gapMs?: number } = {}): Promise<void> {
  const ssh = ctx.ssh();
  await ssh.waitForText('host$');
  const g = await ctx.ssh2Watching();
  for (const chunk of chunks) {
    ssh.type(chunk);
    g.channel?.write(chunk);
    await ctx.settle(options.gapMs ?? 30);
  }
}

/** A tmux prefix sequence (C-b then keys) typed by guests. */
const prefix = (keys: string): string => `\x02${keys}`;

/** Resolves with the error of a refused request, or undefined when it was granted. */
function outcome(run: (cb: (err: Error | undefined, channel?: ClientChannel) => void) => void): Promise<{ err?: Error; channel?: ClientChannel }> {
  return new Promise((resolve) => run((err, channel) => resolve({ err: err ?? undefined, channel })));
}

/** Collects a channel's output until it closes (bounded). */
function drain(channel: ClientChannel, timeoutMs = 5000): Promise<string> {
  let out = '';
  channel.on('data', (d: Buffer) => (out += d.toString('utf8')));
  channel.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      channel.close();
      resolve(out);
    }, timeoutMs);
    channel.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

/** Either refused, or (system mode's ForceCommand) a channel that ends without running anything. */
async function refusedOrHarmless(what: string, result: { err?: Error; channel?: ClientChannel }): Promise<void> {
  if (result.err) return;
  assert.ok(result.channel, `${what}: neither refused nor a channel`);
  const out = await drain(result.channel);
  assert.ok(!/uid=\d+/.test(out), `${what} ran a command: ${out}`);
}

/** The readonly tmux client that appeared since `before` (a new guest's own client). */
async function newGuestClient(tmux: Tmux, before: number[]): Promise<{ pid: number }> {
  const client = await waitFor('the guest tmux client', async () => (await listClients(tmux)).find((c) => c.readOnly && !before.includes(c.pid)));
  return { pid: client!.pid };
}

async function guestPids(tmux: Tmux): Promise<number[]> {
  return (await listClients(tmux)).filter((c) => c.readOnly).map((c) => c.pid);
}

function environOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
}

/** A loopback TCP server that counts connections: a forward must never reach it. */
async function countingServer(ctx: CaseContext): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  ctx.defer(() => new Promise<void>((r) => server.close(() => r())));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, connections: () => connections };
}

function rawSocket(ctx: CaseContext, port: number): Socket {
  const s = new Socket();
  s.on('error', () => undefined);
  s.connect(port, '127.0.0.1');
  s.resume();
  ctx.defer(() => void s.destroy());
  return s;
}

export const HOSTILE_CASES: HostileCase[] = [
  // ---- Keys a guest types ----
  { name: 'typed keys', run: (ctx) => fromBothClients(ctx, ['echo typed-by-guest', '\r', 'touch /tmp/never\r', '\x03', '\x04', '\x1a', '\x1b']) },
  { name: 'paste bracketed', run: (ctx) => fromBothClients(ctx, ['\x1b[200~echo pasted-by-guest\rtouch /tmp/never\r\x1b[201~']) },
  { name: 'paste unbracketed (multi-line, one write)', run: (ctx) => fromBothClients(ctx, ['echo pasted-1\recho pasted-2\nprintf pasted-3\r\n']) },
  {
    name: 'mouse reports (SGR, X10, urxvt; clicks, drags, wheel)',
    run: (ctx) => fromBothClients(ctx, ['\x1b[<0;5;5M\x1b[<0;5;5m', '\x1b[<32;10;5M\x1b[<0;10;5m', '\x1b[<64;5;5M\x1b[<65;5;5M', '\x1b[M #!', '\x1b[32;5;5M']),
  },
  { name: 'focus events', run: (ctx) => fromBothClients(ctx, ['\x1b[I', '\x1b[O', '\x1b[I']) },
  {
    name: 'function keys, arrows and editing keys',
    run: (ctx) => fromBothClients(ctx, ['\x1bOP\x1bOQ\x1bOR\x1bOS', '\x1b[15~\x1b[17~\x1b[18~\x1b[19~\x1b[20~\x1b[21~\x1b[23~\x1b[24~', '\x1b[A\x1b[B\x1b[C\x1b[D', '\x1b[H\x1b[F\x1b[2~\x1b[3~\x1b[5~\x1b[6~']),
  },
  { name: 'C-b d (detach)', run: (ctx) => fromBothClients(ctx, [prefix('d')]) },
  { name: 'C-b ) (next session)', run: (ctx) => fromBothClients(ctx, [prefix(')'), 'echo after-next\r']) },
  { name: 'C-b ( (previous session)', run: (ctx) => fromBothClients(ctx, [prefix('('), 'echo after-previous\r']) },
  { name: 'C-b L (last session)', run: (ctx) => fromBothClients(ctx, [prefix('L'), 'echo after-last\r']) },
  { name: 'C-b s (choose a session)', run: (ctx) => fromBothClients(ctx, [prefix('s'), '\r', 'x', 'y']) },
  { name: 'C-b w (choose a window)', run: (ctx) => fromBothClients(ctx, [prefix('w'), 'x', 'y', '\r']) },
  {
    name: 'C-b : (command prompt: send-keys, run-shell, switch-client -r, kill-server)',
    run: async (ctx) => {
      const marker = ctx.marker();
      await fromBothClients(ctx, [
        prefix(`:send-keys -t broadcast 'touch ${marker}' Enter\r`),
        prefix(`:run-shell 'touch ${marker}'\r`),
        prefix(':switch-client -r\r'),
        `touch ${marker}\r`,
        prefix(':new-window\r'),
        prefix(':kill-server\r'),
      ]);
    },
  },
  { name: 'C-b [ (copy mode)', run: (ctx) => fromBothClients(ctx, [prefix('['), 'k', 'k', ' ', 'j', '\r', prefix(']')]) },
  { name: 'C-b ; (last pane)', run: (ctx) => fromBothClients(ctx, [prefix(';'), prefix('o'), prefix('%'), prefix('"'), prefix('x'), 'y']) },
  {
    name: 'input flood (4 MB from ssh2, 256 KB typed into OpenSSH)',
    run: async (ctx) => {
      const ssh = ctx.ssh();
      await ssh.waitForText('host$');
      const g = await ctx.ssh2Watching();
      let seed = 8;
      const noise = Buffer.alloc(64 * 1024);
      for (let i = 0; i < noise.length; i++) noise[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
      const channel = g.channel!;
      for (let i = 0; i < 64; i++) {
        if (!channel.write(noise)) await Promise.race([new Promise((r) => channel.once('drain', r)), ctx.settle(5000)]);
      }
      const typed = 'echo flooded-by-guest; '.repeat(64 * 1024 / 23);
      for (let i = 0; i < 4; i++) {
        ssh.type(typed.slice(0, 64 * 1024));
        await ctx.settle(50);
      }
      await ctx.settle(600);
    },
  },
  {
    name: 'resize storm (window-change every few ms)',
    run: async (ctx) => {
      const ssh = ctx.ssh();
      await ssh.waitForText('host$');
      const g = await ctx.ssh2Watching();
      for (let i = 0; i < 200; i++) {
        g.channel?.setWindow(10 + (i % 50), 20 + ((i * 7) % 200), 0, 0);
        if (i % 2 === 0) ssh.proc.resize(20 + (i % 100), 5 + (i % 40));
        await ctx.settle(3);
      }
      // Back to the size their screens render at, then both still watch.
      g.channel?.setWindow(24, 80, 0, 0);
      ssh.proc.resize(80, 24);
      await typeLine(ctx.fx.tmux, ctx.fx.sessionName, 'clear; echo after-storm');
      await g.waitForText('after-storm');
      await ssh.waitForText('after-storm');
      await typeLine(ctx.fx.tmux, ctx.fx.sessionName, 'clear');
    },
  },
  {
    name: 'resize to 1x1 (and 0x0)',
    run: async (ctx) => {
      const ssh = ctx.ssh();
      await ssh.waitForText('host$');
      const g = await ctx.ssh2Watching();
      g.channel?.setWindow(1, 1, 0, 0);
      ssh.proc.resize(1, 1);
      await ctx.settle(200);
      g.channel?.setWindow(0, 0, 0, 0);
      await ctx.settle(200);
    },
  },
  {
    // Unclamped, 10000x10000 keeps tmux 3.3a's server busy for about 13 s at every redraw: the
    // embedded server clamps sizes (clampSize), system mode's forced command runs the guest's
    // client behind the size relay (src/host/guestAccount/sizeRelay.ts).
    name: 'resize to 10000x10000',
    run: async (ctx) => {
      const ssh = ctx.ssh();
      await ssh.waitForText('host$');
      const g = await ctx.ssh2Watching();
      g.channel?.setWindow(10000, 10000, 0, 0);
      // The pty only (not the test's own renderer: 10^8 cells would choke this process).
      ssh.proc.resize(10000, 10000);
      await ctx.settle(1000);
    },
  },

  // ---- SSH requests beyond watching ----
  {
    name: 'exec (OpenSSH and ssh2, with and without a pty)',
    run: async (ctx) => {
      const marker = ctx.marker();
      const plain = await ctx.run([...ctx.sshArgv(), `touch ${marker}; id`]);
      assert.notEqual(plain.code, 0);
      assert.ok(!/uid=\d+/.test(plain.stdout + plain.stderr), plain.stdout);
      const g = await ctx.ssh2();
      await refusedOrHarmless('exec', await outcome((cb) => g.client.exec(`touch ${marker}; id`, cb)));
      const g2 = await ctx.ssh2();
      const withPty = await outcome((cb) => g2.client.exec(`touch ${marker}; id`, { pty: { term: 'xterm', cols: 80, rows: 24 } }, cb));
      if (withPty.channel) {
        // System mode: ForceCommand wins and the guest lands in the read-only broadcast.
        let seen = '';
        withPty.channel.on('data', (d: Buffer) => (seen += d.toString('utf8')));
        await waitFor('the broadcast instead of the command', () => seen.includes('host$'));
        assert.ok(!/uid=\d+/.test(seen), seen);
        withPty.channel.close();
      }
    },
  },
  {
    name: 'subsystem sftp (ssh2 and the sftp client)',
    run: async (ctx) => {
      const marker = ctx.marker();
      const g = await ctx.ssh2();
      await assert.rejects(new Promise((resolve, reject) => g.client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp)))));
      const g2 = await ctx.ssh2();
      await refusedOrHarmless('subsystem', await outcome((cb) => g2.client.subsys('sftp', cb)));
      const sftp = await ctx.run(['sftp', '-F', '/dev/null', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'IdentityFile=none', '-o', 'BatchMode=yes', '-P', String(ctx.fx.port), 'guest@127.0.0.1'], {
        input: `put /etc/hostname ${marker}\nget /etc/passwd ${ctx.marker()}\n`,
      });
      assert.notEqual(sftp.code, 0);
    },
  },
  {
    name: 'scp (both protocols, both directions)',
    run: async (ctx) => {
      const base = ['-F', '/dev/null', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'IdentityFile=none', '-o', 'BatchMode=yes', '-P', String(ctx.fx.port)];
      for (const protocol of [[], ['-O']]) {
        const up = await ctx.run(['scp', ...base, ...protocol, '/etc/hostname', `guest@127.0.0.1:${ctx.marker()}`]);
        assert.notEqual(up.code, 0);
        const down = await ctx.run(['scp', ...base, ...protocol, 'guest@127.0.0.1:/etc/passwd', ctx.marker()]);
        assert.notEqual(down.code, 0);
      }
    },
  },
  {
    name: 'env (LC_*, TMUX, LD_PRELOAD) never reaches the guest client',
    run: async (ctx) => {
      const before = await guestPids(ctx.fx.tmux);
      const g = await ctx.ssh2();
      g.screen = undefined;
      const env = { LC_GB_HOSTILE: 'lc-from-guest', TMUX: '/tmp/gb-evil,1,0', LD_PRELOAD: '/tmp/gb-evil.so', GB_SECRET_ENV: 'from-guest' };
      // Sizes no other viewer has: the embedded server starts one tmux client per terminal size,
      // so each of these guests brings a tmux client of its own whose environment can be read.
      const channel = await new Promise<ClientChannel>((resolve, reject) => g.client.shell({ term: 'xterm-256color', cols: 83, rows: 27 }, { env }, (err, ch) => (err ? reject(err) : resolve(ch))));
      channel.on('data', () => undefined);
      const ssh = ctx.ssh({ cols: 91, rows: 29, extra: ['-o', 'SetEnv=LD_PRELOAD=/tmp/gb-evil.so TMUX=/tmp/gb-evil,1,0 LC_GB_HOSTILE=lc-from-ssh', '-o', 'SendEnv=LC_*'] });
      await ssh.waitForText('host$');
      const { pid } = await newGuestClient(ctx.fx.tmux, before);
      await waitFor('both guest clients', async () => (await guestPids(ctx.fx.tmux)).filter((p) => !before.includes(p)).length === 2);
      for (const p of (await guestPids(ctx.fx.tmux)).filter((x) => !before.includes(x))) {
        const environ = environOf(p);
        for (const bad of ['LD_PRELOAD=', 'TMUX=/tmp/gb-evil', 'LC_GB_HOSTILE=', 'GB_SECRET_ENV=']) {
          assert.ok(!environ.some((e) => e.startsWith(bad)), `guest client ${p} (first ${pid}) got ${bad}`);
        }
      }
    },
  },
  {
    name: 'x11 forwarding (ssh2 request, OpenSSH -X)',
    run: async (ctx) => {
      const g = await ctx.ssh2();
      let x11Opened = false;
      g.client.on('x11', (_info, _accept, reject) => ((x11Opened = true), reject()));
      const r = await outcome((cb) => g.client.shell({ cols: 80, rows: 24 }, { x11: true }, cb));
      assert.ok(r.err, 'the x11 request was granted');
      const ssh = ctx.ssh({ extra: ['-X', '-o', 'ForwardX11Trusted=yes'] });
      await ssh.waitForText('host$'); // it still only watches
      assert.equal(x11Opened, false);
    },
  },
  {
    name: 'agent forwarding',
    run: async (ctx) => {
      const g = await ctx.ssh2({ agent: '/nonexistent-agent.sock', agentForward: true });
      const r = await outcome((cb) => g.client.shell({ cols: 80, rows: 24 }, cb));
      assert.ok(r.err, 'agent forwarding was granted');
    },
  },
  {
    name: 'local TCP forwarding (direct-tcpip)',
    run: async (ctx) => {
      const target = await countingServer(ctx);
      const g = await ctx.ssh2();
      const r = await outcome((cb) => g.client.forwardOut('127.0.0.1', 1, '127.0.0.1', target.port, cb));
      assert.ok(r.err, 'direct-tcpip was granted');
      const ssh = await ctx.run([...ctx.sshArgv(['-N', '-o', 'ExitOnForwardFailure=yes', '-W', `127.0.0.1:${target.port}`])], { timeoutMs: 5000 });
      assert.notEqual(ssh.code, 0);
      assert.equal(target.connections(), 0);
    },
  },
  {
    name: 'remote TCP forwarding (tcpip-forward)',
    run: async (ctx) => {
      const g = await ctx.ssh2();
      const r = await outcome((cb) => g.client.forwardIn('127.0.0.1', 0, (err) => cb(err ?? undefined)));
      assert.ok(r.err, 'tcpip-forward was granted');
      const ssh = await ctx.run(ctx.sshArgv(['-N', '-o', 'ExitOnForwardFailure=yes', '-R', '0:127.0.0.1:9']), { timeoutMs: 5000 });
      assert.notEqual(ssh.code, 0);
    },
  },
  {
    name: 'Unix-socket forwarding (to the tmux socket, and a listening socket)',
    run: async (ctx) => {
      const g = await ctx.ssh2();
      const out = await outcome((cb) => g.client.openssh_forwardOutStreamLocal(ctx.fx.socketPath, cb));
      assert.ok(out.err, 'a channel to the tmux socket was granted');
      const listenAt = ctx.marker();
      const inward = await outcome((cb) => g.client.openssh_forwardInStreamLocal(listenAt, (err) => cb(err ?? undefined)));
      assert.ok(inward.err, 'streamlocal-forward was granted');
      assert.ok(!existsSync(listenAt));
    },
  },
  {
    name: 'a second session channel',
    run: async (ctx) => {
      const g = await ctx.ssh2Watching();
      const second = await outcome((cb) => g.client.shell({ cols: 80, rows: 24 }, cb));
      await refusedOrHarmless('second session', second);
      const third = await outcome((cb) => g.client.exec('id', cb));
      await refusedOrHarmless('exec on a second channel', third);
      assert.equal(g.closed, false);
    },
  },
  {
    name: 'a shell with no pty',
    run: async (ctx) => {
      const marker = ctx.marker();
      const g = await ctx.ssh2();
      const r = await outcome((cb) => g.client.shell(false, cb));
      if (r.channel) r.channel.write(`touch ${marker}; id\n`);
      await refusedOrHarmless('shell without a pty', r);
      const ssh = await ctx.run([...ctx.sshArgv(['-T'])], { input: `touch ${marker}; id\n` });
      assert.notEqual(ssh.code, 0);
      assert.ok(!/uid=\d+/.test(ssh.stdout), ssh.stdout);
    },
  },
  {
    name: 'signal requests (KILL, INT, TERM, HUP, QUIT, USR1, ALRM)',
    run: async (ctx) => {
      const g = await ctx.ssh2Watching();
      // ssh2 sends only signal names RFC 4254 lists; those are what a client can ask for.
      for (const signal of ['KILL', 'INT', 'TERM', 'HUP', 'QUIT', 'USR1', 'ALRM']) g.channel?.signal(signal);
      await ctx.settle(400);
    },
  },

  // ---- Connection abuse ----
  {
    name: 'many connections from one address (60 at once)',
    run: async (ctx) => {
      const guests = Array.from({ length: 60 }, () => new Ssh2Guest());
      ctx.defer(() => guests.forEach((g) => g.end()));
      await Promise.allSettled(guests.map((g) => g.connect(ctx.fx.port, { readyTimeout: 15_000 })));
      for (const g of guests) g.end();
      // Once they are gone, a newcomer watches as usual.
      await waitFor('a newcomer to get in', async () => {
        const g = new Ssh2Guest();
        ctx.defer(() => g.end());
        return g.connect(ctx.fx.port).then(() => true, () => false);
      }, 15_000, 300);
      await ctx.ssh2Watching();
    },
  },
  {
    name: 'handshakes that never finish (silent, version only), held open',
    run: async (ctx) => {
      for (let i = 0; i < 4; i++) rawSocket(ctx, ctx.fx.port);
      for (let i = 0; i < 4; i++) rawSocket(ctx, ctx.fx.port).write('SSH-2.0-Stalling\r\n');
      await ctx.settle(300);
      // The harness's canary runs while these are still open.
      await ctx.ssh2Watching();
    },
  },
  {
    name: 'failed-auth flood',
    run: async (ctx) => {
      let port = ctx.fx.port;
      let users = ['root', 'nobody', 'guest-not-here'];
      if (ctx.mode === 'embedded') {
        // The shared server lets anyone in (the open policy): flood a password-policy server on the same broadcast.
        const factory = embeddedGuestServerFactory({ listen: '127.0.0.1:0', access: 'password', stateDir: join(ctx.fx.dir, 'pw-state'), maxAuthAttempts: 3, maxConnectionsPerAddress: 50 });
        const server = await factory({ socketPath: ctx.fx.socketPath, sessionName: ctx.fx.sessionName, tmuxBin: ctx.fx.tmux.bin });
        ctx.defer(() => server.close('closing'));
        port = Number(server.listenAddress.split(':').pop());
        users = ['guest', 'root'];
      }
      const attempts = Array.from({ length: 24 }, (_, i) => {
        const g = new Ssh2Guest();
        ctx.defer(() => g.end());
        return g.connect(port, { username: users[i % users.length], password: `wrong-${i}`, tryKeyboard: false, readyTimeout: 15_000 }).then(
          () => 'in',
          () => 'refused',
        );
      });
      assert.deepEqual([...new Set(await Promise.all(attempts))], ['refused']);
    },
  },
  {
    name: 'a client that never reads (stalled) while the host prints a lot',
    run: async (ctx) => {
      const stalled = await ctx.ssh2Watching(200, 60);
      stalled.channel?.pause();
      // Keep the ssh2 socket from reading at all: the SSH window fills and stays full.
      (stalled.client as unknown as { _sock?: Socket })._sock?.pause();
      await typeLine(ctx.fx.tmux, ctx.fx.sessionName, 'seq 1 30000; clear');
      await waitFor('the host to finish printing', async () => {
        const pane = (await ctx.fx.tmux.run(['capture-pane', '-p', '-t', ctx.fx.sessionName])).trim();
        return pane === 'host$';
      }, 30_000);
      // The harness's canary then checks the other viewer is live while this one stays stalled.
    },
  },
  {
    name: 'disconnects mid-handshake (20 times)',
    run: async (ctx) => {
      for (let i = 0; i < 20; i++) {
        const s = rawSocket(ctx, ctx.fx.port);
        await new Promise<void>((resolve) => {
          s.once('data', () => {
            s.write('SSH-2.0-Quitter\r\n');
            // Half a KEXINIT packet, then gone.
            s.write(Buffer.from([0, 0, 1, 0, 10, 20, 1, 2, 3]));
            s.destroy();
            resolve();
          });
          s.once('close', () => resolve());
        });
      }
      await ctx.ssh2Watching();
    },
  },
  {
    name: 'fuzzed handshakes: malformed and oversized packets (seeded, 40 connections)',
    run: async (ctx) => {
      const outcomes = await fuzzHandshake(ctx.fx.port, { seed: 20261128, count: 40, perConnectionMs: 1500 });
      assert.equal(outcomes.length, 40);
      await waitFor('a newcomer after the fuzzing', async () => {
        const g = new Ssh2Guest();
        ctx.defer(() => g.end());
        return g.connect(ctx.fx.port).then(() => true, () => false);
      }, 15_000, 300);
    },
  },
  {
    name: 'fuzzed channel requests: odd pty sizes and terms, env, window-change, signals, exec, subsystems (seeded)',
    run: async (ctx) => {
      const done = await fuzzChannelRequests(ctx.fx.port, { seed: 42, count: 16 });
      assert.equal(done, 16);
      await ctx.ssh2Watching();
    },
  },

  // ---- System mode: the account itself ----
  {
    name: 'no shell is reachable (ssh -t with a command, a login shell, a subsystem)',
    modes: ['system'],
    run: async (ctx) => {
      const marker = ctx.marker();
      for (const args of [['/bin/sh', '-i'], ['bash', '--login'], [`touch ${marker}`]]) {
        const ssh = ctx.ssh({ extra: ['-t'], args });
        await ssh.waitForText('host$');
        ssh.type(`touch ${marker}; id\r`);
        await ctx.settle(200);
        assert.ok(!(await ssh.lines()).join('\n').includes('uid='));
        ssh.kill();
      }
      const sub = await ctx.run([...ctx.sshArgv(['-s']), 'sh']);
      assert.notEqual(sub.code, 0);
    },
  },
  {
    name: 'cannot make its own client writable (switch-client -r, attach without -r)',
    modes: ['system'],
    run: async (ctx) => {
      const marker = ctx.marker();
      const ssh = ctx.ssh();
      await ssh.waitForText('host$');
      ssh.type(prefix(':switch-client -r\r'));
      ssh.type(prefix(':attach-session -t broadcast\r'));
      ssh.type(prefix(':switch-client -t broadcast -r\r'));
      ssh.type(`touch ${marker}\r`);
      await ctx.settle(400);
      assert.ok((await listClients(ctx.fx.tmux)).filter((c) => c.user === 'guest').every((c) => c.readOnly));
    },
  },
  {
    name: 'cannot list or reach another session (same server, another server)',
    modes: ['system'],
    run: async (ctx) => {
      // Another tmux server of the host's, with a secret on screen.
      const other = new Tmux(join(ctx.fx.dir, 'other-server.sock'));
      ctx.defer(() => other.killServer().catch(() => undefined));
      await other.run(['-f', '/dev/null', 'new-session', '-d', '-s', 'secret', '-x', '80', '-y', '24', "echo secret-text-$((6*7)); exec sleep 600"]);
      const ssh = ctx.ssh();
      await ssh.waitForText('host$');
      for (const keys of [prefix('s'), prefix(')'), prefix(':attach -t secret\r'), prefix(`:attach -t secret -S ${other.socketPath}\r`), prefix(':choose-tree\r'), prefix(':list-sessions\r')]) {
        ssh.type(keys);
        await ctx.settle(150);
      }
      const direct = ctx.ssh({ extra: ['-t'], args: ['tmux', '-S', other.socketPath, 'attach', '-t', 'secret'] });
      await direct.waitForText('host$');
      await ctx.settle(300);
      for (const screen of [await ssh.lines(), await direct.lines()]) assert.ok(!screen.join('\n').includes('secret-text-42'), screen.join('\n'));
      assert.deepEqual(await ctx.fx.tmux.sessionNames(), ['broadcast']);
    },
  },
];
