// Telling a guest beyond a bound why they cannot come in. SSH's only way to show a server's text
// before login is the authentication banner, which ssh2 sends from its server-wide `banner`
// setting. So a refused connection is handed to a second, tiny ssh2 server whose banner is the
// reason: it completes the key exchange with the same host key (no host-key warning), shows the
// banner, and disconnects at the first login attempt. It never authenticates anyone.
import { Socket } from 'node:net';
import { Server } from 'ssh2';

export class RefusalDesk {
  private readonly servers = new Map<string, Server>();
  private inFlight = 0;

  constructor(
    private readonly hostKey: string,
    /** Refusals being explained at once; beyond that a connection is just closed. */
    private readonly maxInFlight = 16,
  ) {}

  refuse(socket: Socket, message: string): void {
    if (this.inFlight >= this.maxInFlight) {
      socket.destroy();
      return;
    }
    this.inFlight++;
    socket.once('close', () => this.inFlight--);
    this.serverFor(message).injectSocket(socket);
  }

  private serverFor(message: string): Server {
    let server = this.servers.get(message);
    if (!server) {
      server = new Server({ hostKeys: [this.hostKey], banner: message + '\r\n' }, (client) => {
        client.on('error', () => undefined);
        client.on('authentication', (ctx) => {
          ctx.reject([]);
          client.end();
        });
      });
      this.servers.set(message, server);
    }
    return server;
  }
}
