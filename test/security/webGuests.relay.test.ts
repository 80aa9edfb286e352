// The browser route's security catalogue (webHostileCatalogue.ts) through a relay (`relay --web`):
// the same attacks on the relay's page and socket, the same checks that the host's session, input
// line and window size do not change and that a bystander (through the relay) still watches live.
import { runWebCatalogue } from './webHostileCatalogue';

runWebCatalogue('relay');
