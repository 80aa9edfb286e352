// Builds the browser route from the settings (guestBroadcast.web, .webCert, .webKey). Its link
// secret lives with the host key in the extension's global storage; `ws` and the fan-out load
// when the broadcast starts the route, never at activation.
import * as vscode from 'vscode';
import { WebRoute } from '../host/web/webRoute';
import { SETTING_WEB_NAMES } from '../host/web/webOptions';
import { embeddedStateDir } from './embeddedRoute';
import { HostSettings } from './settings';

export function webRouteFor(settings: HostSettings, context: vscode.ExtensionContext, log: vscode.OutputChannel): WebRoute | undefined {
  if (!settings.web) return undefined;
  return new WebRoute({
    listen: settings.web.listen,
    tls: settings.web.tls,
    stateDir: embeddedStateDir(context),
    // The settings model refuses guestBroadcast.web with access "keys".
    access: settings.access === 'password' ? 'password' : 'open',
    maxViewers: settings.maxViewers,
    maxConnectionsPerAddress: settings.maxConnectionsPerAddress,
    maxSizeGroups: settings.maxSizeGroups,
    names: SETTING_WEB_NAMES,
    appRoot: vscode.env.appRoot,
    onWarning: (message) => log.appendLine(`Warning: ${message}`),
  });
}
