// Binding a TCP server where a setting says, for every server of ours that guests reach (the
// embedded SSH server, the relay, the browser route): the error names the setting, and a port 0
// (tests, "any free port") comes back as the port the system picked.
import type { Server } from 'node:net';
import type { ListenAddress } from './listen';
import { listenError, ListenOwner } from './listenError';

/** Listens on `address`; resolves with the address bound (its real port). `owner`: whose server, for a port in use. */
export function listenOn(server: Server, address: ListenAddress, setting: string, owner?: ListenOwner): Promise<ListenAddress> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(listenError(error, address, setting, owner));
    server.once('error', onError);
    server.listen({ host: address.host, port: address.port }, () => {
      server.off('error', onError);
      const actual = server.address();
      resolve(actual && typeof actual === 'object' ? { host: address.host, port: actual.port } : address);
    });
  });
}
