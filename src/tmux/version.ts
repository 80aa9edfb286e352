// Parsing `tmux -V` and deciding what the installed tmux can do.
// 3.2 is the floor: `attach -r` implies ignore-size only from 3.2 on, so older servers let a
// guest resize the host's window. 3.3 adds `server-access`, which the system mode relies on.

export interface TmuxVersion {
  major: number;
  minor: number;
  /** The letter or suffix after the number ("a" in 3.3a, "-rc" in 3.4-rc), often empty. */
  suffix: string;
  /** The text tmux printed, for messages. */
  raw: string;
}

export class TmuxVersionError extends Error {}

/** Parses the output of `tmux -V`: "tmux 3.3a", "tmux next-3.5", "tmux 3.2-rc3", "tmux openbsd-7.4". */
export function parseTmuxVersion(output: string): TmuxVersion {
  const raw = output.trim();
  const match = /(\d+)\.(\d+)([a-z]*|-rc\d*)?/.exec(raw);
  if (!match || !raw.startsWith('tmux')) {
    if (/^tmux (master|next)$/.test(raw)) {
      // A build from git: newer than any release.
      return { major: 99, minor: 0, suffix: '', raw };
    }
    throw new TmuxVersionError(`Could not read the tmux version from "${raw}". Is tmux installed and on PATH?`);
  }
  return { major: Number(match[1]), minor: Number(match[2]), suffix: match[3] ?? '', raw };
}

export function atLeast(v: TmuxVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** tmux 3.3 added `server-access`: without it guests can only be let in by socket permissions. */
export function hasServerAccess(v: TmuxVersion): boolean {
  return atLeast(v, 3, 3);
}

/**
 * The one version gate, per mode. Every mode needs 3.2 (read-only clients cannot resize). The
 * system mode needs 3.3: its guests reach the socket itself, which the fixup opens to other users
 * (mode 0602); only `server-access` then keeps everyone but the host and the guest account out,
 * and makes the guest read-only whatever command it runs. Before 3.3 any local user could attach
 * read-write.
 */
export function assertSupported(v: TmuxVersion, mode: 'embedded' | 'system' = 'embedded'): void {
  if (mode === 'system' && !hasServerAccess(v)) {
    throw new TmuxVersionError(
      `${v.raw} is too old for the system mode: it needs tmux 3.3 or newer, whose server-access ` +
        `list lets only you and the guest account (read-only) use the shared socket; with ${v.raw} ` +
        `every local user could attach read-write. Install tmux 3.3 or newer (Debian 12, Ubuntu 23.04 ` +
        `and later ship it), or use the embedded mode (guest-broadcast host --mode embedded), which ` +
        `never shares the socket.`,
    );
  }
  if (!atLeast(v, 3, 2)) {
    throw new TmuxVersionError(
      `${v.raw} is too old: Guest Broadcast needs tmux 3.2 or newer, where read-only clients ` +
        `cannot resize the host's window. Install a newer tmux (Debian 12 and Ubuntu 22.04 ship 3.2a or later).`,
    );
  }
}
