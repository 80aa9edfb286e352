// guest-broadcast: the host (and watcher) outside VS Code. Each command lives in its own file
// and is loaded only when asked for, so `status` never loads node-pty or ssh2.
import { UsageError } from './args';

export interface CliCommand {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<CliCommand>> = {
  host: async () => (await import('./hostCommand')).hostCommand,
  status: async () => (await import('./statusCommand')).statusCommand,
  stop: async () => (await import('./stopCommand')).stopCommand,
  'setup-guest': async () => (await import('./setupGuestCommand')).setupGuestCommand,
  doctor: async () => (await import('./doctorCommand')).doctorCommand,
  passphrase: async () => (await import('./passphraseCommand')).passphraseCommand,
};

export function usage(): string {
  return [
    'Usage: guest-broadcast <command> [options]',
    '',
    'Commands:',
    '  host          start a broadcast and serve it until Ctrl-C',
    '  status        show the broadcast and its viewers (--json for scripts)',
    '  stop          end a broadcast; every guest is told',
    '  passphrase    print (--regenerate: renew) the passphrase of --access password',
    '  setup-guest   print or apply (as root) the guest account setup for system mode',
    '  doctor        check the guest account setup and say how to fix what is missing',
    ...Object.keys(commands)
      .filter((c) => !['host', 'status', 'stop', 'passphrase', 'setup-guest', 'doctor'].includes(c))
      .map((c) => `  ${c}`),
    '',
    "Run 'guest-broadcast <command> --help' for a command's options.",
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`guest-broadcast: unknown command "${name}".\n\n${usage()}\n`);
    return 2;
  }
  try {
    return await (await load()).run(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`guest-broadcast ${name}: ${message}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
