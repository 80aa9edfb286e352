// The browser route's security catalogue (webHostileCatalogue.ts) against the host's own --web.
import { runWebCatalogue } from './webHostileCatalogue';

runWebCatalogue('host');
