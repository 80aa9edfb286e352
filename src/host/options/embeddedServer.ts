// Validated host options to the embedded SSH server's options: the one place the CLI, VS Code,
// the tests and the bench make them, so an option added to the model reaches all four.
import type { EmbeddedServerOptions } from '../embedded/options';
import { HostOptionNames, nameOf, optionPhrase } from './names';
import type { HostOptions } from './parse';

/** What the server needs beyond the user's options: where it runs and whom it tells. */
export interface EmbeddedServerContext {
  /** The source the options came from (CLI_OPTION_NAMES, SETTING_NAMES), so the server's messages name them the same way. */
  names: HostOptionNames;
  /** The state folder when the options name none: the CLI's config folder, VS Code's storage. */
  defaultStateDir: string;
  /** VS Code's install root, to load its own node-pty; undefined outside VS Code. */
  appRoot?: string;
  onJoin?: EmbeddedServerOptions['onJoin'];
  onLeave?: EmbeddedServerOptions['onLeave'];
  onWarning?: EmbeddedServerOptions['onWarning'];
  /** Not a user's option: failed logins per connection (default as sshd's); tests lower it. */
  maxAuthAttempts?: number;
}

export function embeddedServerOptions(host: HostOptions, context: EmbeddedServerContext): EmbeddedServerOptions {
  const { names } = context;
  return {
    listen: host.listen,
    access: host.access,
    stateDir: host.stateDir ?? context.defaultStateDir,
    authorizedKeysFile: host.authorizedKeysFile,
    maxViewers: host.maxViewers,
    maxConnectionsPerAddress: host.maxConnectionsPerAddress,
    handshakeTimeoutMs: host.loginTimeoutMs,
    maxSizeGroups: host.maxSizeGroups,
    maxAuthAttempts: context.maxAuthAttempts,
    listenSettingName: nameOf(names, 'listen'),
    authorizedKeysSettingName: optionPhrase(nameOf(names, 'authorizedKeysFile')),
    handshakeTimeoutSettingName: names.loginTimeout,
    appRoot: context.appRoot,
    onJoin: context.onJoin,
    onLeave: context.onLeave,
    onWarning: context.onWarning,
  };
}
