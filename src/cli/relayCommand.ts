// `guest-broadcast relay`: a stateless relay on NATS. Guests connect with
// `ssh -p PORT <broadcast-id>@RELAY`, or with --web open http(s)://RELAY:PORT/w/<broadcast-id>/;
// hosts reach it only through NATS (`host --relay`).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseListen } from '../host/embedded/listen';
import { cliConfigDir } from '../host/paths';
import { intOpt, parse, stringOpt, UsageError } from './args';
import { CliCommand } from './command';
import { parseNatsUrls } from '../wire/natsUrls';
import type { NatsAuth } from '../host/relay/natsConnection';
import { NATS_PASSWORD_ENV, NATS_TOKEN_ENV, natsAuthFlagNames, natsAuthFrom, natsOptionNames } from '../host/relay/natsAuthOptions';
import { parseWebListen, readWebTls } from '../host/web/webOptions';
import { describeWebExposure } from '../host/web/webLink';

const DEFAULT_PORT = 2223;
const DEFAULT_LISTEN = `127.0.0.1:${DEFAULT_PORT}`;

const HELP = `Usage: guest-broadcast relay --nats URL[,URL…] [options]

A stateless relay: serves the guests of any broadcast whose host registered on the same NATS
(guest-broadcast host --relay URL). Guests watch with: ssh -p PORT <broadcast-id>@THIS-MACHINE
or, with --web, in a browser at http(s)://THIS-MACHINE:PORT/w/<broadcast-id>/, and log in
as the host's --access says (open, its passphrase, or a key it lists: ssh only).

Options:
  --nats URL[,URL…]        NATS servers (nats://HOST:PORT), tried in turn (required)
  --listen ADDR:PORT       where guests connect (default: ${DEFAULT_LISTEN}, this machine only;
                           0.0.0.0:PORT for everyone who can reach it)
  --host-key FILE          the relay's SSH host key, made there on first use (its folder
                           must exist; default: relay/ssh_host_ed25519_key in
                           ~/.config/guest-broadcast, folder made);
                           give every relay behind one name the same file, or guests' ssh
                           sees a changed host key
  --web [ADDR:]PORT        browser guests too: the host's read-only page, its WebSocket and the
                           live stream (w/<broadcast-id>/stream) on this address (a bare port
                           is 127.0.0.1 only); the broadcast id in the link admits (with
                           the passphrase, for a broadcast with --access password)
  --web-cert FILE          serve https/wss with this certificate (PEM) …
  --web-key FILE           … and its private key (PEM): both or neither
  --name NAME              this relay's name in hosts' viewer lists (default: machine name + random)
  --max-guests N           guests at once (default: 1000)
  --max-per-address N      connections from one address at once (default: 5)

NATS credentials and TLS (the same as the host's --relay-* options; secrets never on the
command line):
  --nats-user NAME         log in as this NATS user; the password from
                           $${NATS_PASSWORD_ENV}, or from:
  --nats-password-file FILE
                           the first line of FILE
  --nats-token-file FILE   log in with the token on the file's first line
                           (or $${NATS_TOKEN_ENV})
  --nats-creds FILE        log in with a NATS creds file (user JWT and nkey seed, from nsc)
  --nats-tls-ca FILE       trust the NATS server's certificate signed by this CA (PEM);
                           TLS is then required (as with any tls://HOST:PORT address)
  --nats-tls-cert FILE     a client certificate (PEM) for a server that verifies clients,
  --nats-tls-key FILE      with its private key
  -h, --help               this help
`;

const out = (line: string): void => void process.stdout.write(line + '\n');

export const relayCommand: CliCommand = {
  async run(argv) {
    const { values } = parse(argv, {
      nats: { type: 'string' },
      listen: { type: 'string' },
      'host-key': { type: 'string' },
      name: { type: 'string' },
      'max-guests': { type: 'string' },
      'max-per-address': { type: 'string' },
      'nats-creds': { type: 'string' },
      'nats-user': { type: 'string' },
      'nats-password-file': { type: 'string' },
      'nats-token-file': { type: 'string' },
      'nats-tls-ca': { type: 'string' },
      'nats-tls-cert': { type: 'string' },
      'nats-tls-key': { type: 'string' },
      web: { type: 'string' },
      'web-cert': { type: 'string' },
      'web-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const natsText = stringOpt(values, 'nats');
    if (!natsText) throw new UsageError('--nats is required: the NATS server(s) hosts register on, e.g. --nats nats://127.0.0.1:4222.', true);
    let urls: string[];
    let listen;
    let auth: NatsAuth;
    let web;
    const flags = natsAuthFlagNames('nats');
    try {
      urls = parseNatsUrls(natsText, '--nats');
      listen = parseListen(stringOpt(values, 'listen') ?? DEFAULT_LISTEN, '--listen', DEFAULT_PORT);
      auth = natsAuthFrom(urls, {
        creds: stringOpt(values, 'nats-creds'),
        user: stringOpt(values, 'nats-user'),
        passwordFile: stringOpt(values, 'nats-password-file'),
        tokenFile: stringOpt(values, 'nats-token-file'),
        tlsCa: stringOpt(values, 'nats-tls-ca'),
        tlsCert: stringOpt(values, 'nats-tls-cert'),
        tlsKey: stringOpt(values, 'nats-tls-key'),
      }, flags);
      const webText = stringOpt(values, 'web');
      const tls = readWebTls(stringOpt(values, 'web-cert'), stringOpt(values, 'web-key'));
      if (tls && !webText) throw new Error('--web-cert and --web-key serve the browser page: give --web [ADDR:]PORT too.');
      web = webText ? { listen: parseWebListen(webText, '--web'), tls } : undefined;
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const name = stringOpt(values, 'name') ?? `${hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40)}-${randomBytes(3).toString('hex')}`;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new UsageError(`--name "${name}" may hold letters, digits, "-" and "_" only (1 to 64).`);
    const maxGuests = intOpt(values, 'max-guests', 1, 100_000) ?? 1000;
    const maxPerAddress = intOpt(values, 'max-per-address', 1, 10_000) ?? 5;
    const givenKey = stringOpt(values, 'host-key');
    if (givenKey !== undefined && (givenKey === '' || givenKey.endsWith('/'))) {
      throw new UsageError(`--host-key "${givenKey}" names no file: give the relay's key file, e.g. --host-key /etc/guest-broadcast/relay_ed25519_key (made there on first use).`);
    }
    const keyPath = givenKey ?? join(cliConfigDir(), 'relay', 'ssh_host_ed25519_key');

    const { startRelay } = await import('../relay/startRelay');
    const relay = await startRelay({ urls, auth, optionNames: natsOptionNames(flags), listen, keyPath, keyOption: givenKey === undefined ? undefined : '--host-key', name, maxGuests, maxPerAddress, web, onLog: (line) => out(`[${new Date().toLocaleTimeString()}] ${line}`) });
    out(`Relay "${name}" on NATS ${relay.natsShown}, serving guests on ${relay.server.listenAddress}.`);
    out(`  Guests watch with:      ssh -p ${listen.port === 0 ? relay.server.sshAddress.split(':').pop() : listen.port} <broadcast-id>@${relay.server.sshAddress.replace(/:\d+$/, '')}`);
    if (relay.web) {
      out(`  Browser guests open:    ${relay.web.origin}/w/<broadcast-id>/`);
      const exposure = describeWebExposure(relay.web.address, web?.tls !== undefined);
      if (exposure.warning) out(`  Warning: ${exposure.warning}`);
      const missing = relay.web.missingPageFiles();
      if (missing.length) out(`  Warning: the browser page's files ${missing.join(', ')} are missing: the page cannot run. Build them (node esbuild.mjs) or reinstall.`);
    }
    if (relay.newHostKey) out(`  New host key made:      ${keyPath} (give every relay behind one name this same file)`);
    out(`  Host key fingerprint:   ${relay.fingerprint}`);
    out('Press Ctrl-C to stop the relay (its guests are told).');
    const hold = setInterval(() => undefined, 1 << 30);
    return new Promise<number>((resolve) => {
      const stop = (signal: string): void => {
        out(`\n${signal}: stopping the relay…`);
        relay.stop().then(
          () => {
            clearInterval(hold);
            out('The relay has stopped; its guests were told.');
            resolve(0);
          },
          (error: unknown) => {
            clearInterval(hold);
            process.stderr.write(`guest-broadcast relay: stopping failed: ${String(error)}\n`);
            resolve(1);
          },
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
  },
};
