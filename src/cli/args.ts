// Small helpers shared by the CLI's commands: typed option reading and user-facing errors.
import { parseArgs, ParseArgsConfig } from 'node:util';

/**
 * A command line the command cannot take: its message is meant for the user as it is (no stack
 * trace) and the CLI exits 2. pointToHelp: the message alone does not say what would be right
 * (an unknown option, a missing value), so the CLI adds where the command's options are listed.
 */
export class UsageError extends Error {
  constructor(message: string, readonly pointToHelp = false) {
    super(message);
  }
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `--opt -1` as `--opt=-1`: Node refuses a value starting with "-" as "ambiguous", which hid
 * our own message for a negative number (what range the option takes).
 */
function joinNegativeNumbers(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

export function parse(argv: string[], options: Options, allowPositionals = false) {
  try {
    return parseArgs({ args: joinNegativeNumbers(argv, options), options, allowPositionals, strict: true });
  } catch (error) {
    // Node's own text, up to its advice about "--" (which fits only a positional starting with "-").
    const message = (error instanceof Error ? error.message : String(error)).replace(/\. To specify a positional argument starting with a '-'.*$/s, '');
    throw new UsageError(/[.!?]$/.test(message) ? message : message + '.', true);
  }
}

export function stringOpt(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** unit: what the number counts, for the message ("seconds"). */
export function intOpt(values: Record<string, unknown>, name: string, min: number, max: number, unit?: string): number | undefined {
  const v = stringOpt(values, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max} (got "${v}").`);
  return n;
}

export function modeOpt(values: Record<string, unknown>): 'embedded' | 'system' {
  const v = stringOpt(values, 'mode') ?? 'embedded';
  if (v !== 'embedded' && v !== 'system') throw new UsageError(`--mode must be "embedded" or "system" (got "${v}").`);
  return v;
}

/** `--socket PATH` as the user gave it, for the command lines a hint prints (none: the default socket). */
export function socketArgs(socket: string | undefined): string[] {
  return socket ? ['--socket', socket] : [];
}
