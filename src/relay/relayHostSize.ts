// The host's terminal size as a relay knows it (wire/relayProtocol.ts P.size, and the registry
// entry for where it starts): the same HostSizeSource the host's own browser route and live
// stream follow, so a browser guest on a relay fits the host's screen as one on the host does.
// One core NATS subscription per broadcast the relay serves, however many guests follow it.
import type { Subscription } from '@nats-io/nats-core';
import type { HostSizeSource } from '../host/fanout/hostSizeFeed';
import type { TerminalSize } from '../wire/hostSize';
import { parseHostSizeMessage, subjects } from '../wire/relayProtocol';
import type { RelayLink } from './relayLink';

export class RelayHostSize implements HostSizeSource {
  private readonly listeners = new Set<(size: TerminalSize) => void>();
  private readonly sub: Subscription;
  private last: TerminalSize | undefined;

  /** `initial`: the size in the registry entry the guest was admitted by (0x0 is not known). */
  constructor(link: RelayLink, initial: TerminalSize | undefined) {
    this.last = initial && initial.cols > 0 && initial.rows > 0 ? initial : undefined;
    this.sub = link.subscribe(subjects.size(link.broadcastId), (data) => {
      const size = parseHostSizeMessage(Buffer.from(data).toString('utf8'));
      if (size) this.changed(size);
    });
  }

  subscribe(listener: (size: TerminalSize) => void): () => void {
    this.listeners.add(listener);
    if (this.last) listener(this.last);
    return () => void this.listeners.delete(listener);
  }

  /** A newer size (a message, or a registry entry read again). */
  changed(size: TerminalSize): void {
    if (size.cols === this.last?.cols && size.rows === this.last?.rows) return;
    this.last = size;
    for (const listener of [...this.listeners]) listener(size);
  }

  close(): void {
    this.sub.unsubscribe();
    this.listeners.clear();
  }
}
