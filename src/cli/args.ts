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
    throw new UsageError(parseErrorText(error instanceof Error ? error.message : String(error), options), true);
  }
}

/**
 * Node's parseArgs text, said the way our other usage errors are: a missing value names the
 * option and its form, an unknown option the closest known one (a typo is the usual cause).
 * Anything else: Node's own text, up to its advice about "--" (which fits only a positional
 * starting with "-").
 */
export function parseErrorText(nodeText: string, options: Options): string {
  const missing = /^Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(nodeText);
  if (missing) return `${missing[1]} needs a value: ${missing[1]} ${missing[1].slice(2).toUpperCase().replace(/-/g, '_')}.`;
  const unknown = /^Unknown option '(--?[^']+)'/.exec(nodeText);
  if (unknown) {
    const near = closestOption(unknown[1].replace(/^-+/, '').split('=')[0], Object.keys(options));
    return `Unknown option '${unknown[1]}'.${near ? ` Did you mean --${near}?` : ''}`;
  }
  const message = nodeText.replace(/\. To specify a positional argument starting with a '-'.*$/s, '');
  return /[.!?]$/.test(message) ? message : message + '.';
}

/** The one known option closest to `name`, within two edits (none when two are as close). */
function closestOption(name: string, known: string[]): string | undefined {
  if (name.length < 3) return undefined;
  const near = known.map((option) => ({ option, d: editDistance(name, option) })).filter((o) => o.d <= 2).sort((a, b) => a.d - b.d);
  return near.length && (near.length === 1 || near[1].d > near[0].d) ? near[0].option : undefined;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
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
