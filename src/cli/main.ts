// guest-broadcast: the host (and watcher) outside VS Code. Each command lives in its own file
// and is loaded only when asked for, so `status` never loads node-pty or ssh2.
import { errorForLog } from '../errorReport';
import { UsageError } from './args';
import type { CliCommand } from './command';

export type { CliCommand } from './command';

interface CommandEntry {
  /** One line for the usage text; kept here so listing commands loads none of them. */
  summary: string;
  load: () => Promise<CliCommand>;
}

const commands: Record<string, CommandEntry> = {
  host: { summary: 'start a broadcast and serve it until Ctrl-C', load: async () => (await import('./hostCommand')).hostCommand },
  status: { summary: 'show the broadcast and its viewers (--json for scripts)', load: async () => (await import('./statusCommand')).statusCommand },
  pause: { summary: 'lower the privacy curtain: guests see it, not the session', load: async () => (await import('./curtainCommand')).pauseCommand },
  resume: { summary: 'lift the privacy curtain: guests see the session again', load: async () => (await import('./curtainCommand')).resumeCommand },
  record: { summary: 'record a running broadcast into FILE.cast (asciicast), or --stop', load: async () => (await import('./recordCommand')).recordCommand },
  stop: { summary: 'end a broadcast; every guest is told', load: async () => (await import('./stopCommand')).stopCommand },
  passphrase: { summary: 'print (--regenerate: renew) the passphrase of --access password', load: async () => (await import('./passphraseCommand')).passphraseCommand },
  'web-link': { summary: "print (--regenerate: renew) the browser guests' link of --web", load: async () => (await import('./webLinkCommand')).webLinkCommand },
  relay: { summary: 'serve guests of hosts on NATS (host --relay): ssh -p PORT <id>@RELAY', load: async () => (await import('./relayCommand')).relayCommand },
  watch: { summary: 'watch a broadcast read-only in this terminal (--snapshot prints the screen)', load: async () => (await import('./watchCommand')).watchCommand },
  'setup-guest': { summary: 'print or apply (as root) the guest account setup for system mode', load: async () => (await import('./setupGuestCommand')).setupGuestCommand },
  doctor: { summary: 'check the guest account setup and say how to fix what is missing', load: async () => (await import('./doctorCommand')).doctorCommand },
};

export function usage(): string {
  return [
    'Usage: guest-broadcast <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(13)} ${c.summary}`),
    '',
    "Run 'guest-broadcast <command> --help' for a command's options.",
    'Exit status: 0 done, 1 it failed (the message says why), 2 the command line is wrong.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    process.stderr.write(`guest-broadcast: name a command.\n\n${usage()}\n`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return 0;
  }
  const entry = commands[name];
  if (!entry) {
    process.stderr.write(`guest-broadcast: unknown command "${name}".\n\n${usage()}\n`);
    return 2;
  }
  try {
    return await (await entry.load()).run(rest);
  } catch (error) {
    // A message for the user is one line; a fault (a bug) keeps its stack for the report.
    const message = errorForLog(error);
    const help = error instanceof UsageError && error.pointToHelp ? `\nRun 'guest-broadcast ${name} --help' for its options.` : '';
    process.stderr.write(`guest-broadcast ${name}: ${message}${help}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`guest-broadcast: ${errorForLog(error)}\n`);
      process.exitCode = 1;
    },
  );
}
