// Reading one raw option value. The CLI gives strings; a settings.json can hold any JSON type
// (a number where text was meant, a string where a number was, null, an object), so every reader
// takes `unknown` and says what it expected.

/** A value the host cannot use; the message names the option and what to do. */
export class HostOptionError extends Error {}

/** How a raw value is quoted in a message: text in quotes, anything else as JSON. */
export function shown(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? String(value);
}

/** Text, trimmed; undefined, null or blank: not given (the default). Numbers and booleans read as their text. */
export function text(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new HostOptionError(`${name} must be text (got ${shown(value)}).`);
  }
  const trimmed = String(value).trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * A whole number from min to max; undefined, null or blank: not given. Text must be digits only
 * ("1e3", "0x10" and "2.0" are refused rather than read the way Number() reads them).
 */
export function wholeNumber(value: unknown, name: string, min: number, max: number, unit?: string): number | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^[+-]?\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new HostOptionError(`${name} must be a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max} (got ${shown(value)}).`);
  }
  return n;
}
