// What the bench driver tells its host process, and what the host process answers.
import type { HostOptions } from '../../src/host/options/parse';
import { CipherChoice, RouteName } from '../options';

/**
 * The host's options as the model takes typed values (src/host/options: hostOptions), checked in
 * the host process by the same rules as the CLI's flags, plus what only the bench's host needs.
 * Left out: the model's defaults, as for a user; the command and tmux config are the bench's own.
 */
export interface HostConfig extends Partial<HostOptions> {
  /** The route under test this host serves (for messages); `mode` and `web` say how. */
  route: RouteName;
  mode: HostOptions['mode'];
  socketPath: string;
  sessionName: string;
  /** The session's working folder (and its HOME), a temp folder of the bench run. */
  cwd: string;
  /** The host's own terminal, which sets the window size. */
  cols: number;
  rows: number;
  /** Embedded route: ssh2's native ciphers (as the CLI) or its pure-JS ones (as in VS Code). */
  ciphers?: CipherChoice;
}

export type HostReady =
  | {
      ready: true;
      pid: number;
      tmuxPid: number;
      /** The embedded SSH server's address (null in system mode). */
      listen: string | null;
      /** The browser route's page link with its secret (its describe().join); null without --web. */
      webLink: string | null;
      nativeCiphers: boolean;
    }
  | { ready: false; error: string };

/** The host shell's prompt: what viewers wait for to count as up, and what a run waits for to start. */
export const PROMPT = 'host$';

/** The host session's shell: plain sh with a fixed prompt and no rc files, so every run draws the same screen. */
export function hostShellCommand(): string {
  return `env PS1='${PROMPT} ' /bin/sh`;
}
