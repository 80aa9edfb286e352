// A real ssh2 SSH server playing the broadcast host for viewer tests: it offers the login methods
// a test names, records every login attempt, every window change and every byte the viewer sends
// on its channel (which must stay 0: a viewer never types), and writes what the test wants the
// viewer to receive. A test can pass its host key, to play a changed host or a man in the middle.
import { AddressInfo } from 'node:net';
import { AuthContext, Connection, Server, ServerChannel, utils } from 'ssh2';
import { generateEd25519KeyPair } from '../../src/host/embedded/ed25519';

export interface Attempt {
  method: string;
  detail: string;
}

export interface FakeSshHost {
  port: number;
  /** "ssh-ed25519 AAAA..." */
  hostPublicKey: string;
  attempts: Attempt[];
  /** Bytes the server received on any session channel (must stay 0: the viewer never types). */
  inputBytes: number;
  windowChanges: string[];
  channels: ServerChannel[];
  /**
   * A key re-exchange with every logged-in viewer, awaited: the viewer's half travels behind every
   * byte it sent before, so once it completes inputBytes counts them all. The canary after a
   * check that the viewer sent nothing: a reply still on its way cannot slip past the check.
   */
  roundTrip(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface FakeSshHostPolicy {
  offered: string[];
  acceptKey?: Buffer;
  acceptPassword?: string;
  /** Written to the shell channel at once; or a function that writes what it likes. */
  greeting: string | ((channel: ServerChannel) => void);
  /** OpenSSH-format private host key; default: a fresh ed25519 key. */
  hostKey?: string;
  /** Listen here instead of a free port. */
  port?: number;
  /** The login banner (SSH_MSG_USERAUTH_BANNER) sent before authentication. */
  banner?: string;
  /** What keyboard-interactive asks: its name, instructions and one prompt (default "Password: "). */
  keyboardInteractive?: { name: string; instructions: string; prompt: string };
  /** Once the shell's greeting is written, the server disconnects with this description. */
  disconnectWith?: string;
}

/** The parts of ssh2's protocol object that writing a raw packet needs (it has no API for a DISCONNECT with a description). */
interface RawProtocol {
  _packetRW: { write: { allocStartKEX: number; alloc(length: number, force: boolean): Buffer; finalize(packet: Buffer, force: boolean): Buffer } };
  _cipher: { encrypt(packet: Buffer): void };
}

/** Sends SSH_MSG_DISCONNECT (reason 2, protocol error) with a description of the test's choice. */
function disconnectWith(client: Connection, description: string): void {
  const proto = (client as unknown as { _protocol: RawProtocol })._protocol;
  const desc = Buffer.from(description, 'utf8');
  let p = proto._packetRW.write.allocStartKEX;
  const packet = proto._packetRW.write.alloc(1 + 4 + 4 + desc.length + 4, true);
  packet[p++] = 1; // SSH_MSG_DISCONNECT
  p = packet.writeUInt32BE(2, p);
  p = packet.writeUInt32BE(desc.length, p);
  p += desc.copy(packet, p);
  packet.writeUInt32BE(0, p); // empty language tag
  proto._cipher.encrypt(proto._packetRW.write.finalize(packet, true));
}

/** A real SSH server: offers `offered`, accepts only `acceptKey` (signed) or `acceptPassword`. */
export async function startFakeSshHost(policy: FakeSshHostPolicy): Promise<FakeSshHost> {
  const hostKey = policy.hostKey ?? generateEd25519KeyPair().private;
  const parsedHostKey = utils.parseKey(hostKey);
  const key = Array.isArray(parsedHostKey) ? parsedHostKey[0] : parsedHostKey;
  if (key instanceof Error) throw key;
  const connected = new Set<Connection>();
  const state: FakeSshHost = {
    port: 0, hostPublicKey: `${key.type} ${key.getPublicSSH().toString('base64')}`, attempts: [], inputBytes: 0, windowChanges: [], channels: [],
    roundTrip: async (timeoutMs = 10_000) => {
      let timer: NodeJS.Timeout | undefined;
      const rekeys = Promise.all([...connected].map((c) => new Promise<void>((resolve, reject) => c.rekey((error?: Error) => (error ? reject(error) : resolve())))));
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the viewer did not finish a key re-exchange within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([rekeys, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => undefined,
  };
  const server = new Server({ hostKeys: [hostKey], ...(policy.banner !== undefined ? { banner: policy.banner } : {}) }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx: AuthContext) => {
      let ok = false;
      if (ctx.method === 'publickey') {
        state.attempts.push({ method: 'publickey', detail: ctx.signature ? 'signed' : 'query' });
        const matches = policy.acceptKey !== undefined && ctx.key.data.equals(policy.acceptKey);
        if (matches && !ctx.signature) return ctx.accept(); // "this key would do": the client signs next
        if (matches && ctx.signature && ctx.blob) {
          const parsed = utils.parseKey(Buffer.concat([Buffer.from(`${ctx.key.algo} `), Buffer.from(ctx.key.data.toString('base64'))]));
          ok = !(parsed instanceof Error) && parsed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true;
        }
      } else if (ctx.method === 'password') {
        state.attempts.push({ method: 'password', detail: JSON.stringify(ctx.password) });
        ok = policy.acceptPassword !== undefined && ctx.password === policy.acceptPassword;
      } else if (ctx.method === 'keyboard-interactive') {
        state.attempts.push({ method: 'keyboard-interactive', detail: '' });
        const ki = policy.keyboardInteractive ?? { name: 'Server asks', instructions: '', prompt: 'Password: ' };
        return ctx.prompt([{ prompt: ki.prompt, echo: false }], ki.name, ki.instructions, (answers) => {
          state.attempts[state.attempts.length - 1].detail = JSON.stringify(answers);
          if (policy.acceptPassword !== undefined && answers[0] === policy.acceptPassword) ctx.accept();
          else ctx.reject(policy.offered as never);
        });
      } else {
        state.attempts.push({ method: ctx.method, detail: '' });
      }
      if (ok) ctx.accept();
      else ctx.reject(policy.offered as never);
    });
    client.on('ready', () => {
      connected.add(client);
      client.on('close', () => connected.delete(client));
      client.on('session', (accept) => {
        const session = accept();
        session.on('pty', (acceptPty, _reject, info) => {
          state.windowChanges.push(`pty ${info.cols}x${info.rows}`);
          acceptPty?.();
        });
        session.on('window-change', (acceptWc, _reject, info) => {
          state.windowChanges.push(`${info.cols}x${info.rows}`);
          acceptWc?.();
        });
        session.on('shell', (acceptShell) => {
          const channel = acceptShell();
          state.channels.push(channel);
          channel.on('data', (d: Buffer) => (state.inputBytes += d.length));
          if (typeof policy.greeting === 'function') policy.greeting(channel);
          else channel.write(policy.greeting);
          if (policy.disconnectWith !== undefined) {
            const description = policy.disconnectWith;
            setImmediate(() => disconnectWith(client, description));
          }
        });
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(policy.port ?? 0, '127.0.0.1', () => resolve());
  });
  state.port = (server.address() as AddressInfo).port;
  state.close = () => new Promise<void>((r) => server.close(() => r()));
  return state;
}

