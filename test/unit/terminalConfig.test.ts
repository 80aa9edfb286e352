import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readTerminalConfig } from '../../src/ui/watcher/terminalConfig';

function reader(values: Record<string, unknown>) {
  return (section: string, key: string) => values[`${section}.${key}`];
}

test('takes the integrated terminal settings', () => {
  const config = readTerminalConfig(reader({
    'terminal.integrated.fontFamily': 'Fira Code',
    'terminal.integrated.fontSize': 15,
    'terminal.integrated.lineHeight': 1.2,
    'terminal.integrated.letterSpacing': 1,
    'terminal.integrated.fontWeight': '300',
    'terminal.integrated.fontWeightBold': 700,
    'terminal.integrated.scrollback': 5000,
    'terminal.integrated.gpuAcceleration': 'off',
    'terminal.integrated.cursorBlinking': true,
    'terminal.integrated.minimumContrastRatio': 1,
    'editor.fontFamily': 'Courier',
    'editor.accessibilitySupport': 'on',
  }));
  assert.deepEqual(config, {
    fontFamily: 'Fira Code', fontSize: 15, lineHeight: 1.2, letterSpacing: 1, fontWeight: '300', fontWeightBold: '700',
    scrollback: 5000, gpuAcceleration: 'off', cursorBlink: true, minimumContrastRatio: 1, screenReaderMode: true,
  });
});

test('falls back to the editor font and to the defaults, and bounds odd values', () => {
  const config = readTerminalConfig(reader({
    'editor.fontFamily': "'Droid Sans Mono', monospace",
    'editor.fontSize': 13,
    'terminal.integrated.fontSize': 0,
    'terminal.integrated.lineHeight': 0.5,
    'terminal.integrated.fontWeight': 'heavy',
    'terminal.integrated.scrollback': 1e9,
    'terminal.integrated.gpuAcceleration': 'canvas',
  }));
  assert.equal(config.fontFamily, "'Droid Sans Mono', monospace");
  assert.equal(config.fontSize, 13);
  assert.equal(config.lineHeight, 1);
  assert.equal(config.fontWeight, 'normal');
  assert.equal(config.scrollback, 100_000);
  assert.equal(config.gpuAcceleration, 'auto');
  assert.equal(config.minimumContrastRatio, 4.5);
  assert.equal(config.cursorBlink, false);
  assert.equal(config.screenReaderMode, false);
});
