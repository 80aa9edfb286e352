// The hosts view's command ids (package.json contributes them): registerWatcherUi.ts registers
// each at activation with a stub that loads hostCommands.ts, which implements exactly these.
export const HOST_COMMAND_IDS = [
  'guestBroadcast.hosts.add',
  'guestBroadcast.hosts.edit',
  'guestBroadcast.hosts.remove',
  'guestBroadcast.hosts.watch',
  'guestBroadcast.hosts.stopWatching',
  'guestBroadcast.hosts.refresh',
  'guestBroadcast.hosts.openSshConfig',
] as const;

export type HostCommandId = (typeof HOST_COMMAND_IDS)[number];
