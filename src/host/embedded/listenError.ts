// Why the embedded server cannot listen where its setting says, in words that name the setting.
// Its own module so the VS Code Start command can recognise the error without loading the
// server (and ssh2) when the extension starts.
import { formatListen, ListenAddress } from './listen';

/** The server cannot listen where the setting says; `setting` names it, so the UI can open it. */
export class ListenError extends Error {
  override name = 'ListenError';
  constructor(message: string, readonly setting: string) {
    super(message);
  }
}

/**
 * Whose server cannot listen: what a port in use may be taken by (another of the same) differs.
 * A broadcast's guests are served by the broadcast already there; a relay serves any broadcast of
 * its NATS, so another relay on the port is simply another relay.
 */
export type ListenOwner = 'broadcast' | 'relay';

const IN_USE: Record<ListenOwner, { advice: string; defaultPort: number }> = {
  broadcast: {
    // No advice to serve the same broadcast from a second process: its owner already serves it.
    // Plain `status` looks only at the default sockets, and the other broadcast runs on another
    // socket than this one (on this one it would have been found before the listen).
    advice:
      'If it is another guest broadcast, its guests can already watch it (guest-broadcast status shows it, with --socket PATH when it runs on a socket other than the default; guest-broadcast stop ends it, with the same --socket). ',
    defaultPort: 2222,
  },
  relay: {
    advice: 'Maybe another relay already listens there: one per address is enough, as a relay serves every broadcast of its NATS. ',
    defaultPort: 2223,
  },
};

export function listenError(error: NodeJS.ErrnoException, address: ListenAddress, setting: string, owner: ListenOwner = 'broadcast'): Error {
  const where = formatListen(address);
  switch (error.code) {
    case 'EADDRINUSE': {
      const { advice, defaultPort } = IN_USE[owner];
      return new ListenError(
        `Port ${address.port} is already in use on ${address.host}, so guests cannot be served on ${where}. ${advice}` +
          `Otherwise stop what uses the port, or choose another with ${setting} (e.g. ${address.host}:${address.port === 65535 ? defaultPort : address.port + 1}).`,
        setting,
      );
    }
    case 'EACCES':
      return new ListenError(`Not allowed to listen on ${where} (ports below 1024 need root). Choose a port from 1024 up with ${setting}.`, setting);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new ListenError(`${address.host} is not an address of this machine, so nothing can listen on ${where}. Use 127.0.0.1 or 0.0.0.0 with ${setting}.`, setting);
    default:
      return new ListenError(`Cannot listen on ${where} (${setting}): ${error.message}`, setting);
  }
}
