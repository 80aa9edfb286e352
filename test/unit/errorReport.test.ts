// errorReport: expected errors are one line, faults keep their stack.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/cli/args';
import { errorForLog, isProgrammingFault } from '../../src/errorReport';
import { GuestSetupError } from '../../src/host/guestAccount/options';

test('an error meant for the user is its message alone, one line', () => {
  for (const error of [new Error('Port 2222 is already in use.'), new GuestSetupError('bad --chroot'), new UsageError('--mode must be "embedded" or "system".')]) {
    assert.equal(isProgrammingFault(error), false);
    assert.equal(errorForLog(error), error.message);
  }
});

test('a programming fault keeps its stack; a thrown non-Error says so', () => {
  const fault = new TypeError("Cannot read properties of undefined (reading 'x')");
  assert.equal(isProgrammingFault(fault), true);
  assert.match(errorForLog(fault), /^TypeError: Cannot read properties[^\n]*\n\s+at /);
  assert.equal(errorForLog('boom'), 'boom (thrown as string, not an Error)');
});
