// A host "behind NAT" on this one machine, made of network namespaces (allowed here, see
// /work/shared/notes/reach-facts.md), named per run (gb-<pid>…) so concurrent runs never meet:
//
//   [host ns gb-<pid>]  10.A.B.(Z+2) ──veth── 10.A.B.(Z+1)  [nats ns gb-<pid>-n]  10.A.B.(Z+5) ──veth── 10.A.B.(Z+6)  [this namespace]
//
// The host's namespace has one link, to a namespace in which only nats-server listens, and no
// route anywhere else: whatever it connects to, only NATS answers. The nats namespace does not
// forward (a new namespace's ip_forward is 0), so although this namespace has a route towards
// the host's addresses (through the nats namespace), nothing can connect into the host's.
// No packet leaves the machine: every address is on these veths.
import { execFile, execFileSync } from 'node:child_process';
import { createConnection } from 'node:net';

export interface NatBox {
  /** The host's namespace (run it with `ip netns exec hostNs …`). */
  hostNs: string;
  /** The namespace nats-server runs in (`ip netns exec natsNs …`). */
  natsNs: string;
  /** The host's own address, in its namespace. */
  hostAddress: string;
  /** NATS's address as the host reaches it. */
  natsForHost: string;
  /** NATS's address as this namespace (relays, guests) reaches it. */
  natsForUs: string;
  /** This namespace's address on its veth (what the host would have to reach to get out). */
  ourAddress: string;
  /** Deletes both namespaces (and with them their veths). */
  cleanup(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeNatBox(): NatBox {
  const pid = process.pid;
  const hostNs = `gb-${pid}`;
  const natsNs = `gb-${pid}-n`;
  // Eight addresses of 10/8 of this run's own (two /30s), from the PID.
  const a = (pid >> 13) & 255;
  const b = (pid >> 5) & 255;
  const z = (pid & 31) * 8;
  const at = (n: number): string => `10.${a}.${b}.${z + n}`;
  const hostIf = `gb${pid}h`; // interface names: at most 15 characters
  const natsHostIf = `gb${pid}nh`;
  const natsOurIf = `gb${pid}nu`;
  const ourIf = `gb${pid}u`;
  const box: NatBox = {
    hostNs,
    natsNs,
    hostAddress: at(2),
    natsForHost: at(1),
    natsForUs: at(5),
    ourAddress: at(6),
    cleanup() {
      for (const ns of [hostNs, natsNs]) {
        try {
          ip('netns', 'del', ns);
        } catch {
          // not made, or gone already
        }
      }
      try {
        ip('link', 'del', ourIf); // normally gone with its peer's namespace
      } catch {
        // gone
      }
    },
  };
  try {
    ip('netns', 'add', hostNs);
    ip('netns', 'add', natsNs);
    // host ns <-> nats ns
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', natsHostIf);
    ip('link', 'set', hostIf, 'netns', hostNs);
    ip('link', 'set', natsHostIf, 'netns', natsNs);
    // nats ns <-> this namespace
    ip('link', 'add', ourIf, 'type', 'veth', 'peer', 'name', natsOurIf);
    ip('link', 'set', natsOurIf, 'netns', natsNs);
    ip('-n', hostNs, 'addr', 'add', `${at(2)}/30`, 'dev', hostIf);
    ip('-n', natsNs, 'addr', 'add', `${at(1)}/30`, 'dev', natsHostIf);
    ip('-n', natsNs, 'addr', 'add', `${at(5)}/30`, 'dev', natsOurIf);
    ip('addr', 'add', `${at(6)}/30`, 'dev', ourIf);
    for (const [ns, dev] of [[hostNs, hostIf], [hostNs, 'lo'], [natsNs, natsHostIf], [natsNs, natsOurIf], [natsNs, 'lo']]) ip('-n', ns, 'link', 'set', dev, 'up');
    ip('link', 'set', ourIf, 'up');
    // A route towards the host through the nats namespace: a connection attempt goes there (and
    // stops there, unforwarded) rather than out of the machine by a default route.
    ip('route', 'add', `${at(0)}/30`, 'via', at(5), 'dev', ourIf);
    const forward = execFileSync('ip', ['netns', 'exec', natsNs, 'cat', '/proc/sys/net/ipv4/ip_forward'], { encoding: 'utf8' }).trim();
    if (forward !== '0') throw new Error(`the nats namespace forwards packets (ip_forward=${forward}): the host would not be behind NAT`);
  } catch (error) {
    box.cleanup();
    throw error;
  }
  return box;
}

/** Whether a TCP connection to host:port succeeds, from this namespace or from `ns`; bounded by `timeoutMs`. */
export async function canConnect(host: string, port: number, ns?: string, timeoutMs = 3000): Promise<{ ok: boolean; why: string }> {
  if (ns) {
    const script = `const s=require('net').createConnection({host:${JSON.stringify(host)},port:${port}});` +
      `const t=setTimeout(()=>{console.log('failed: timeout');process.exit(0)},${timeoutMs});` +
      `s.on('connect',()=>{console.log('connected');process.exit(0)});s.on('error',(e)=>{console.log('failed: '+e.code);process.exit(0)});`;
    const out = await new Promise<string>((resolve, reject) =>
      execFile('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { timeout: timeoutMs + 10_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout.trim()))),
    );
    return { ok: out === 'connected', why: out };
  }
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, why: 'failed: timeout' });
    }, timeoutMs);
    socket.on('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok: true, why: 'connected' });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, why: `failed: ${error.code ?? error.message}` });
    });
  });
}
