// Counting connections against the bounds: all guests together (the viewer bound: every
// connection is at most one guest, so bounding connections bounds guests even before login),
// and connections from one address. One count per broadcast, shared by its routes (SSH and
// browser guests together).
import { sharedPart } from './routes/broadcastShared';
import type { RouteContext } from './routes/route';

export function normalizeAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export class ConnectionLimits {
  private readonly perAddress = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerAddress: number,
  ) {}

  /** Counts the connection and returns undefined, or returns why it is refused (not counted). */
  admit(address: string): string | undefined {
    if (this.total >= this.maxTotal) {
      return `Guest Broadcast: this broadcast already has ${this.maxTotal} viewer${this.maxTotal === 1 ? '' : 's'}, its limit. Try again later.`;
    }
    const mine = this.perAddress.get(address) ?? 0;
    if (mine >= this.maxPerAddress) {
      return `Guest Broadcast: too many connections from ${address} (at most ${this.maxPerAddress} at a time). Close one and try again.`;
    }
    this.total++;
    this.perAddress.set(address, mine + 1);
    return undefined;
  }

  release(address: string): void {
    this.total = Math.max(0, this.total - 1);
    const mine = (this.perAddress.get(address) ?? 1) - 1;
    if (mine > 0) this.perAddress.set(address, mine);
    else this.perAddress.delete(address);
  }

  get connections(): number {
    return this.total;
  }
}

/** The broadcast's one connection count; the first route to ask sets the bounds. */
export function connectionLimitsFor(context: RouteContext, maxTotal: number, maxPerAddress: number): ConnectionLimits {
  return sharedPart(context, 'connection-limits', () => new ConnectionLimits(maxTotal, maxPerAddress));
}
