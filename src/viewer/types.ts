// The contract between the watcher's connection (src/viewer, plain Node) and whatever shows it
// (the VS Code panel, the CLI's `watch`, tests). Nothing here imports vscode.

/** Where a viewer stands, as its status line shows it. */
export type WatchState =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'reconnecting'; inSeconds: number; reason: string }
  | { kind: 'ended' }
  | { kind: 'error'; message: string };

/** `[user@]host[:port]` after defaults and ~/.ssh/config are applied. */
export interface WatchTarget {
  /** What the user typed or picked ("guest@example:2222", an ssh config alias). */
  label: string;
  host: string;
  port: number;
  user: string;
  identityFiles: string[];
}

export interface HostKeyInfo {
  host: string;
  port: number;
  /** "ssh-ed25519" … */
  keyType: string;
  /** "SHA256:…" as OpenSSH prints it. */
  fingerprint: string;
}

/** Questions only a person can answer; the panel asks in VS Code, the CLI in the terminal. */
export interface WatchPrompts {
  /** Unknown host key: trust it (and remember it)? */
  confirmNewHostKey(info: HostKeyInfo): Promise<boolean>;
  /** The server wants a password or a key passphrase; undefined means the user cancelled. */
  askSecret(prompt: string): Promise<string | undefined>;
}

/** One watched broadcast: output flows out, nothing ever flows in. */
export interface WatchSession {
  readonly target: WatchTarget;
  readonly state: WatchState;
  /** Bytes from the host, already filtered (see outputFilter). */
  onOutput(listener: (data: Uint8Array) => void): void;
  onState(listener: (state: WatchState) => void): void;
  /** The viewer's terminal size changed: sends window-change. */
  resize(cols: number, rows: number): void;
  /** Ends the connection and stops reconnecting. */
  close(): void;
}
