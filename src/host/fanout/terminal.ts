// The environment of a guest's tmux client. It starts from nothing rather than from the host's
// environment: $TMUX (the host running the CLI inside tmux) would make `tmux attach` refuse, and
// the host's secrets have no business in a guest's process.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const FALLBACK_TERM = 'xterm-256color';

function terminfoDirs(): string[] {
  return [join(homedir(), '.terminfo'), '/etc/terminfo', '/lib/terminfo', '/usr/share/terminfo', '/usr/lib/terminfo'];
}

/** terminfo stores "xterm" under x/ (Linux) or 78/ (hex of 'x', macOS). */
function hasTerminfo(term: string): boolean {
  const first = term[0];
  return terminfoDirs().some((dir) => existsSync(join(dir, first, term)) || existsSync(join(dir, first.charCodeAt(0).toString(16), term)));
}

/**
 * The TERM a guest asked for in its pty-req when this machine knows it, else xterm-256color: a
 * tmux client with an unknown TERM refuses to start ("missing or unsuitable terminal").
 */
export function guestTerm(requested: string | undefined): string {
  const term = (requested ?? '').trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/.test(term)) return FALLBACK_TERM;
  return hasTerminfo(term) ? term : FALLBACK_TERM;
}

/** A UTF-8 locale for the client (tmux decides from it whether to draw UTF-8 or ASCII). */
function utf8Locale(env: NodeJS.ProcessEnv): string {
  for (const name of ['LC_ALL', 'LC_CTYPE', 'LANG'] as const) {
    const value = env[name];
    if (value && /utf-?8/i.test(value)) return value;
  }
  return 'C.UTF-8';
}

export function guestClientEnv(term: string, hostEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return {
    PATH: hostEnv.PATH || '/usr/local/bin:/usr/bin:/bin',
    HOME: hostEnv.HOME || homedir(),
    TERM: term,
    LANG: utf8Locale(hostEnv),
    LC_ALL: utf8Locale(hostEnv),
  };
}
