// The hostile-guest catalogue against the embedded ssh2 server.
import { HOSTILE_CASES } from './hostileCases';
import { runCatalogue } from './hostileHarness';

runCatalogue('embedded', HOSTILE_CASES);
