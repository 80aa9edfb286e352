// The curtain key as VS Code's notice names it, in the words of the host's own tmux prefix.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tmuxKeyLabel } from '../../src/ui/commands/curtainKeyHint';

test("tmux key names read as people write them: tmux's default prefix, a custom one, Alt, odd keys", () => {
  assert.equal(tmuxKeyLabel('C-b'), 'Ctrl+B');
  assert.equal(tmuxKeyLabel('C-a'), 'Ctrl+A');
  assert.equal(tmuxKeyLabel('M-a'), 'Alt+A');
  assert.equal(tmuxKeyLabel('C-M-x'), 'Ctrl+Alt+X');
  assert.equal(tmuxKeyLabel('`'), '`');
  assert.equal(tmuxKeyLabel('C--'), 'Ctrl+-');
  assert.equal(tmuxKeyLabel('C-Space'), 'Ctrl+Space');
  assert.equal(tmuxKeyLabel('F12'), 'F12');
});
