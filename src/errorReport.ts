// How an error is written to a log or a terminal, in one place. The product's own errors (Error
// and its subclasses such as SettingsError, GuestSetupError, UsageError) carry a message written
// for the user: one line, no stack; a test that expects one (a bad setting, a port in use) then
// logs one line. Programming faults (TypeError and its kin, or something thrown that is not an
// Error at all) keep their stack: that is what a bug report needs.
const FAULTS: Array<new (...args: never[]) => Error> = [TypeError, ReferenceError, RangeError, SyntaxError, EvalError, URIError];

export function isProgrammingFault(error: unknown): boolean {
  return !(error instanceof Error) || FAULTS.some((kind) => error instanceof kind);
}

/** The message of an expected error; the whole stack of a fault. */
export function errorForLog(error: unknown): string {
  if (!(error instanceof Error)) return `${String(error)} (thrown as ${typeof error}, not an Error)`;
  if (isProgrammingFault(error)) return error.stack ?? `${error.name}: ${error.message}`;
  return error.message;
}
