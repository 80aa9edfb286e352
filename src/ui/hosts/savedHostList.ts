// The saved hosts as kept in the `guestBroadcast.hosts` setting: a list of
// `{ "target": "[user@]host[:port]", "name": "optional label" }` (a plain string is read as a
// target too, for hand-edited settings). Plain Node: reading, adding, editing and removing are
// pure functions over the setting's value, so they are unit-tested without VS Code.

export interface SavedHost {
  target: string;
  name?: string;
}

export interface SavedHostList {
  hosts: SavedHost[];
  /** Entries that were skipped, each with what is wrong, for a warning. */
  problems: string[];
}

export const SETTING_SECTION = 'guestBroadcast';
export const SETTING_KEY = 'hosts';

export function parseSavedHosts(value: unknown): SavedHostList {
  const hosts: SavedHost[] = [];
  const problems: string[] = [];
  if (value === undefined || value === null) return { hosts, problems };
  if (!Array.isArray(value)) {
    return { hosts, problems: ['guestBroadcast.hosts must be a list of { "target": "[user@]host[:port]", "name": "…" }.'] };
  }
  const seen = new Set<string>();
  value.forEach((entry: unknown, index) => {
    let host: SavedHost | undefined;
    if (typeof entry === 'string') host = { target: entry.trim() };
    else if (typeof entry === 'object' && entry !== null && typeof (entry as SavedHost).target === 'string') {
      const { target, name } = entry as { target: string; name?: unknown };
      host = { target: target.trim(), ...(typeof name === 'string' && name.trim() ? { name: name.trim() } : {}) };
    }
    if (!host || !host.target) {
      problems.push(`guestBroadcast.hosts[${index}] has no "target" ([user@]host[:port]); it is skipped.`);
      return;
    }
    if (seen.has(host.target)) {
      problems.push(`guestBroadcast.hosts lists "${host.target}" twice; the second entry is skipped.`);
      return;
    }
    seen.add(host.target);
    hosts.push(host);
  });
  return { hosts, problems };
}

/** Adds `host`, or replaces the entry whose target is `replacing`. Refuses a second entry for a target. */
export function withHost(hosts: readonly SavedHost[], host: SavedHost, replacing?: string): SavedHost[] {
  const clean: SavedHost = { target: host.target.trim(), ...(host.name?.trim() ? { name: host.name.trim() } : {}) };
  if (!clean.target) throw new Error('A saved host needs a target: [user@]host[:port].');
  const clash = hosts.find((h) => h.target === clean.target && h.target !== replacing);
  if (clash) throw new Error(`"${clean.target}" is already saved${clash.name ? ` as "${clash.name}"` : ''}.`);
  if (replacing === undefined) return [...hosts, clean];
  const index = hosts.findIndex((h) => h.target === replacing);
  if (index < 0) throw new Error(`"${replacing}" is no longer among the saved hosts.`);
  return hosts.map((h, i) => (i === index ? clean : h));
}

export function withoutHost(hosts: readonly SavedHost[], target: string): SavedHost[] {
  return hosts.filter((h) => h.target !== target);
}
