// The watchers' escape-sequence policy (src/watcher/sequencePolicy.ts) against the shared hostile
// streams (test/fixtures/hostileSequences.ts), for both of its users: the CLI's byte filter
// (outputFilter.ts) and the webview's xterm.js guard (media/hostSequences.ts, here on
// @xterm/headless; test/webview runs it in Chromium with the same list).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Terminal } from '@xterm/headless';
import type { Terminal as BrowserTerminal } from '@xterm/xterm';
import { guardHostSequences } from '../../media/hostSequences';
import { filterOutput } from '../../src/watcher/outputFilter';
import { Effect, HOSTILE_SEQUENCES, KEPT_SEQUENCES } from '../fixtures/hostileSequences';

interface Probe {
  term: Terminal;
  effects: Set<Effect>;
  run(data: string | Uint8Array): Promise<{ line: string; effects: Effect[] }>;
}

/** A headless terminal that records every effect a sequence has; guarded like the webview when asked. */
function probe(guarded: boolean): Probe {
  const term = new Terminal({ cols: 80, rows: 5, allowProposedApi: true });
  const effects = new Set<Effect>();
  term.onTitleChange(() => effects.add('title'));
  term.onData(() => effects.add('reply'));
  term.onBinary(() => effects.add('reply'));
  // Recorders first: handlers registered later (the guard's) run before them and can swallow.
  term.parser.registerOscHandler(52, () => (effects.add('clipboard'), false));
  term.parser.registerOscHandler(8, (d) => (/;.+/.test(d) && effects.add('link'), false));
  for (const n of [4, 10, 11, 13, 14, 15, 16, 17, 18, 19, 104, 110, 111]) {
    term.parser.registerOscHandler(n, (d) => (!d.includes('?') && effects.add('colour'), false));
  }
  // The guard takes the browser package's Terminal; the parser API it uses is the same.
  if (guarded) guardHostSequences(term as unknown as BrowserTerminal);
  return {
    term,
    effects,
    async run(data) {
      await new Promise<void>((r) => term.write(data, r));
      if (term.modes.mouseTrackingMode !== 'none') effects.add('mouse');
      if (term.modes.sendFocusMode) effects.add('focus');
      return { line: term.buffer.active.getLine(0)?.translateToString(true) ?? '', effects: [...effects] };
    },
  };
}

for (const h of HOSTILE_SEQUENCES) {
  test(`watcher policy, CLI filter: ${h.name} (${h.effect}) is not acted on and the text around it shows`, async () => {
    const p = probe(false);
    const result = await p.run(filterOutput(`A${h.bytes}Z`));
    assert.deepEqual(result, { line: `A${h.text ?? ''}Z`, effects: [] });
    p.term.dispose();
  });
  test(`watcher policy, webview guard: ${h.name} (${h.effect}) is not acted on and the text around it shows`, async () => {
    const p = probe(true);
    const result = await p.run(`A${h.bytes}Z`);
    assert.deepEqual(result, { line: `A${h.text ?? ''}Z`, effects: [] });
    p.term.dispose();
  });
}

test('watcher policy: the hostile streams do act on an unguarded terminal (every effect the tests look for happens)', async () => {
  const seen = new Set<Effect>();
  for (const h of HOSTILE_SEQUENCES) {
    const p = probe(false);
    const { effects } = await p.run(`A${h.bytes}Z`);
    if (effects.includes(h.effect)) seen.add(h.effect);
    p.term.dispose();
  }
  assert.deepEqual([...seen].sort(), ['clipboard', 'colour', 'focus', 'link', 'mouse', 'reply', 'title']);
});

for (const k of KEPT_SEQUENCES) {
  test(`watcher policy: ${k.name} is kept by the CLI filter and the webview guard`, async () => {
    assert.equal(Buffer.from(filterOutput(k.bytes)).toString('utf8'), k.bytes);
    const p = probe(true);
    assert.deepEqual(await p.run(`A${k.bytes}Z`), { line: 'AZ', effects: [] });
    p.term.dispose();
  });
}

test('watcher policy: the CLI filter keeps the rest of a mode switch that asked for mouse reporting', () => {
  assert.equal(Buffer.from(filterOutput('\x1b[?1049;1000;1006;25h')).toString(), '\x1b[?1049;25h');
  assert.equal(Buffer.from(filterOutput('\x1b[?1000;1006l')).toString(), '');
  assert.equal(Buffer.from(filterOutput('\u009b?1004h\u009b?25l')).toString(), '\x1b[?25l');
});
