// What the harness and the suite inside VS Code tell each other (through code-server's
// environment, which its extension host inherits). Under @vscode/test-electron neither is set
// and run()'s promise alone carries the outcome.

/** Where the suite writes its SuiteResult as JSON. */
export const RESULT_ENV = 'GUEST_BROADCAST_VSCODE_RESULT';
/** A throwaway folder for the suite's sockets (the harness ends any tmux server left in it). */
export const TMP_ENV = 'GUEST_BROADCAST_VSCODE_TMP';

export interface SuiteResult {
  passed: number;
  failed: number;
  pending: number;
  failures: Array<{ title: string; error: string }>;
}
