// The CLI watcher's keyboard: a question asked while an older one is still open (its login was
// dropped and the watcher tried again, or moved to the next relay of a list) is asked, and the
// old one withdrawn unanswered, instead of the new one being refused at once.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { TtyInput } from '../../src/cli/ttyInput';

function fakeTerminal(): { input: NodeJS.ReadStream; echo: NodeJS.WriteStream; shown: () => string } {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input }) as unknown as NodeJS.ReadStream;
  let shown = '';
  const echo = { write: (s: string) => ((shown += s), true) } as unknown as NodeJS.WriteStream;
  return { input, echo, shown: () => shown };
}

test('a second question replaces one left open, and its answer goes to the second', async () => {
  const t = fakeTerminal();
  const tty = new TtyInput(t.input, t.echo);
  const first = tty.ask({ prompt: 'Trust relay-1 (yes/no)? ', echo: true });
  const second = tty.ask({ prompt: 'Trust relay-2 (yes/no)? ', echo: true });
  assert.equal(await first, undefined, 'the old question is withdrawn, unanswered');
  t.input.write('yes\r');
  assert.equal(await second, 'yes');
  assert.match(t.shown(), /Trust relay-1 \(yes\/no\)\? \r\nTrust relay-2 \(yes\/no\)\? yes\r\n/);
  tty.stop();
});
