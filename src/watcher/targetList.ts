// A watch target that names several servers to fail over to: `ID@r1:2223,r2:2223` (#18: a
// broadcast served through relays). One comma-separated argument, not a --fallback option, so the
// same text works everywhere a target is typed: the CLI's `watch`, the VS Code "Watch host" box
// and a saved host. The first entry's user is every entry's user unless an entry names its own
// (the broadcast id is the same on every relay). Each entry is an ordinary `[user@]host[:port]`
// (targetSpec.ts); a missing port is filled per entry like a single target's (ssh config, then 22).
import { formatTarget, parseTargetSpec, TargetError, TargetSpec } from './targetSpec';
import type { WatchTarget } from './types';

export const LIST_EXAMPLE = 'A list of servers to fail over to is written ID@relay1:2223,relay2:2223 (commas, no spaces).';
/** A sane bound: a list is a handful of relays behind one broadcast, not a scan. */
export const MAX_TARGETS = 16;

/** Splits and parses a target that may be a list; a single target gives a list of one. */
export function parseTargetList(input: string): TargetSpec[] {
  const text = input.trim();
  if (!text.includes(',')) return [parseTargetSpec(text)];
  let rest = text;
  let scheme = '';
  if (/^ssh:\/\//i.test(rest)) {
    scheme = rest.slice(0, 'ssh://'.length);
    rest = rest.slice(scheme.length).replace(/\/$/, '');
  }
  const parts = rest.split(',').map((p) => p.trim());
  if (parts.some((p) => !p)) throw new TargetError(`"${text}" has an empty entry in its list of servers. ${LIST_EXAMPLE}`);
  if (parts.length > MAX_TARGETS) throw new TargetError(`"${text.slice(0, 80)}…" lists ${parts.length} servers; at most ${MAX_TARGETS} can be given. ${LIST_EXAMPLE}`);
  const specs = parts.map((p, i) => parseTargetSpec(i === 0 ? scheme + p : p));
  const user = specs[0].user;
  const out = specs.map((s) => (s.user === undefined && user !== undefined ? { ...s, user } : s));
  const seen = new Set<string>();
  for (const [i, s] of out.entries()) {
    const key = `${s.user ?? ''}@${s.host}:${s.port ?? ''}`;
    if (seen.has(key)) throw new TargetError(`"${parts[i]}" appears twice in the list "${text}". ${LIST_EXAMPLE}`);
    seen.add(key);
  }
  return out;
}

/**
 * How a resolved target is written back for people and as a panel's key: `user@host[:port]`, then
 * each other server of a list (its user left out when it is the first's).
 */
export function formatTargetList(target: WatchTarget): string {
  const others = (target.alternates ?? []).map((e) => (e.user === target.user ? formatTarget(e).slice(e.user.length + 1) : formatTarget(e)));
  return [formatTarget(target), ...others].join(',');
}
