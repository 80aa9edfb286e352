// src/host/fanout/screenModel.ts reads three private parts of @xterm/headless's core that no
// public API offers: the scroll region, whether the cursor is hidden, and the current pen. It
// skips a part it cannot find, so a moved internal would not crash: late joiners would quietly
// get a wrong screen. These tests fail instead, on the exact names and types screenModel reads,
// and package.json pins the version they were checked against.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Terminal } from '@xterm/headless';
import { ScreenModel } from '../../src/host/fanout/screenModel';

const ROOT = join(__dirname, '..', '..', '..');

/** What screenModel.ts calls on the pen (PenLike there): each returns a number or a boolean. */
const PEN_METHODS: Record<string, 'number' | 'boolean'> = {
  isBold: 'number',
  isDim: 'number',
  isItalic: 'number',
  isUnderline: 'number',
  isBlink: 'number',
  isInverse: 'number',
  isInvisible: 'number',
  isStrikethrough: 'number',
  isFgDefault: 'boolean',
  isFgRGB: 'boolean',
  getFgColor: 'number',
  isBgDefault: 'boolean',
  isBgRGB: 'boolean',
  getBgColor: 'number',
};

type Core = Record<string, unknown>;

function written(term: Terminal, data: string): Promise<void> {
  return new Promise((resolve) => term.write(data, resolve));
}

/** `obj[key]`, asserted to be an object. */
function objectAt(obj: unknown, path: string): Core {
  let value: unknown = obj;
  for (const key of path.split('.')) {
    assert.ok(value !== null && typeof value === 'object', `${path}: ${key}'s parent is not an object`);
    value = (value as Core)[key];
  }
  assert.ok(value !== null && typeof value === 'object', `term.${path} is an object (it is ${typeof value})`);
  return value as Core;
}

test('package.json pins @xterm/headless to the exact version installed', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; dependencies?: Record<string, string> }> };
  const installed = (JSON.parse(readFileSync(require.resolve('@xterm/headless/package.json'), 'utf8')) as { version: string }).version;
  assert.equal(pkg.dependencies['@xterm/headless'], installed, 'an exact version, the one these tests ran against');
  assert.equal(lock.packages['']?.dependencies?.['@xterm/headless'], installed, 'package-lock.json says the same');
  assert.equal(lock.packages['node_modules/@xterm/headless']?.version, installed);
});

test('the private parts screenModel reads exist on a real Terminal, with their types', async () => {
  const term = new Terminal({ cols: 40, rows: 12, scrollback: 0, allowProposedApi: true });
  try {
    await written(term, 'x');
    const buffer = objectAt(term, '_core.buffer');
    assert.equal(typeof buffer.scrollTop, 'number', '_core.buffer.scrollTop');
    assert.equal(typeof buffer.scrollBottom, 'number', '_core.buffer.scrollBottom');
    assert.equal(typeof objectAt(term, '_core.coreService').isCursorHidden, 'boolean', '_core.coreService.isCursorHidden');
    const pen = objectAt(term, '_core._inputHandler._curAttrData');
    for (const [method, type] of Object.entries(PEN_METHODS)) {
      const fn = pen[method];
      assert.equal(typeof fn, 'function', `_core._inputHandler._curAttrData.${method}()`);
      assert.equal(typeof (fn as () => unknown).call(pen), type, `_core._inputHandler._curAttrData.${method}() returns a ${type}`);
    }
  } finally {
    term.dispose();
  }
});

test('they follow the stream: scroll region, hidden cursor, pen', async () => {
  const term = new Terminal({ cols: 40, rows: 12, scrollback: 0, allowProposedApi: true });
  try {
    await written(term, '\x1b[3;10r\x1b[?25l\x1b[1;3;4;38;2;1;2;3;48;5;200m');
    const core = objectAt(term, '_core');
    assert.deepEqual([objectAt(core, 'buffer').scrollTop, objectAt(core, 'buffer').scrollBottom], [2, 9]);
    assert.equal(objectAt(core, 'coreService').isCursorHidden, true);
    const pen = objectAt(core, '_inputHandler._curAttrData') as unknown as Record<string, () => number | boolean>;
    assert.ok(pen.isBold.call(pen) && pen.isItalic.call(pen) && pen.isUnderline.call(pen));
    assert.equal(pen.isFgRGB.call(pen), true);
    assert.equal(pen.getFgColor.call(pen), 0x010203);
    assert.equal(pen.isBgRGB.call(pen), false);
    assert.equal(pen.getBgColor.call(pen), 200);
  } finally {
    term.dispose();
  }
});

test('a ScreenModel snapshot carries what only the internals tell', async () => {
  const model = new ScreenModel(40, 12);
  try {
    model.write('\x1b[3;10r\x1b[5;7H\x1b[?25l\x1b[1;38;2;1;2;3mpen');
    await new Promise<void>((resolve) => model.whenParsed(resolve));
    const snapshot = model.snapshot();
    assert.ok(snapshot.includes('\x1b[3;10r\x1b[5;10H'), `scroll region, then the cursor put back: ${JSON.stringify(snapshot)}`);
    assert.ok(snapshot.endsWith('\x1b[?25l\x1b[0;1;38;2;1;2;3m'), `hidden cursor and the pen last: ${JSON.stringify(snapshot)}`);
  } finally {
    model.dispose();
  }
});
