// The hostile-guest catalogue against the system mode: a real sshd with the guest account's
// Match block (ForceCommand wrapper, DisableForwarding, MaxSessions 2). Needs root.
import { HOSTILE_CASES } from './hostileCases';
import { runCatalogue } from './hostileHarness';

runCatalogue('system', HOSTILE_CASES);
