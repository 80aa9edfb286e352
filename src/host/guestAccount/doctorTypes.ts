// What the doctor reports, in a file of its own so the checks in other files (relayCheck.ts)
// can use the types without importing doctor.ts, which imports them.
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface DoctorCheck {
  /** Stable id for programs ("user", "pam-nullok", "sshd-options"...). */
  id: string;
  title: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do about it (for warn/fail/skip). */
  fix?: string;
}

export interface DoctorReport {
  /** True when nothing failed (warnings and skipped checks allowed). */
  ok: boolean;
  checks: DoctorCheck[];
}
