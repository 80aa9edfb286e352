// The hostile-guest catalogue through a relay (#18): guests attack the relay's SSH server (the
// embedded server's own per-guest code, fed by NATS), and the harness asserts exactly what it does
// for the host's own routes: the host's tmux session, input line and window size do not change, and
// a well-behaved viewer (through the same relay) still sees live output.
import { HOSTILE_CASES } from './hostileCases';
import { runCatalogue } from './hostileHarness';

runCatalogue('relay', HOSTILE_CASES);
