// How the host lowers and lifts the curtain from their terminal, in the words of their own tmux
// config: "Ctrl+B then B" with tmux's default prefix, "Ctrl+A then B" with theirs. The binding
// itself is installed by src/host/curtain/curtainTmux.ts (and left out when the host's config
// already uses the key: then there is no hint).
import type { Broadcast } from '../../host/broadcast';

/** tmux's key name ("C-b", "M-a", "`") as people write it ("Ctrl+B", "Alt+A", "`"). */
export function tmuxKeyLabel(key: string): string {
  const parts = key.split('-');
  const last = parts.pop() ?? '';
  // "C--" is Ctrl and minus: the split leaves an empty last part.
  const name = last === '' && key.endsWith('-') ? '-' : last;
  const modifiers = parts.filter((p) => p !== '').map((p) => ({ C: 'Ctrl', M: 'Alt', S: 'Shift' })[p] ?? p);
  return [...modifiers, name.length === 1 ? name.toUpperCase() : name].join('+');
}

/** "Ctrl+B then B", or undefined when the broadcast has no curtain key (or tmux cannot say its prefix). */
export async function curtainKeyHint(broadcast: Broadcast): Promise<string | undefined> {
  const key = broadcast.curtainKey;
  if (!key) return undefined;
  const prefix = (await broadcast.tmux.run(['show-options', '-gv', 'prefix']).catch(() => '')).trim();
  if (!prefix || prefix === 'None') return `tmux's prefix then ${key}`;
  return `${tmuxKeyLabel(prefix)} then ${key}`;
}
