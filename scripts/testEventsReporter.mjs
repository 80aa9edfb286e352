// A node:test reporter (`--test-reporter=./scripts/testEventsReporter.mjs`) that writes the
// runner's structured events as JSON lines, for scripts/testTally.mjs to count. The counts come
// from these events rather than from a TAP or spec text, because a test can print any text it
// likes ("# pass 99") but cannot make the runner report a test it did not run.
//
// What a test prints (test:stdout, test:stderr) is left out on purpose: the tally must never
// read it. Errors are reduced to their message and failure type, which is all the tally names.

/** The part of an event's data the tally uses. */
function slim(type, data) {
  const details = data.details
    ? {
        type: data.details.type,
        error: data.details.error
          ? { message: String(data.details.error.cause?.message ?? data.details.error.message ?? data.details.error), failureType: data.details.error.failureType }
          : undefined,
      }
    : undefined;
  return {
    type,
    name: data.name,
    nesting: data.nesting,
    file: data.file,
    skip: data.skip,
    todo: data.todo,
    details,
  };
}

// Diagnostics are left out too: t.diagnostic() lets a test write "pass 99" there as well.
// test:dequeue of a whole file marks where that file's events begin (see testTally.mjs).
const KEPT = new Set(['test:enqueue', 'test:dequeue', 'test:start', 'test:pass', 'test:fail']);

export default async function* eventsReporter(source) {
  for await (const event of source) {
    if (KEPT.has(event.type)) yield JSON.stringify(slim(event.type, event.data)) + '\n';
  }
}
