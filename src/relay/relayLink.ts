// What a relay's groups need from NATS for one broadcast: its id, the relay's own name, and the
// requests they make (wire/relayProtocol.ts). One place for timeouts and for reading answers; a
// request nobody answered reads as HOST_DID_NOT_ANSWER (hostRetry.ts: asked again for a while, then shown).
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import {
  encodeControl,
  LeaseReply,
  OpenReply,
  parseLeaseReply,
  parseOpenReply,
  parseSnapReply,
  Presence,
  PresenceGuest,
  REQUEST_TIMEOUT_MS,
  SnapReply,
  subjects,
} from '../wire/relayProtocol';
import { requestError } from './hostRetry';

export class RelayLink {
  constructor(
    readonly nc: NatsConnection,
    readonly broadcastId: string,
    readonly relayName: string,
  ) {}

  async open(cols: number, rows: number, term: string): Promise<OpenReply> {
    return this.ask(subjects.open(this.broadcastId), { relay: this.relayName, cols, rows, term }, parseOpenReply);
  }

  async snapshot(group: string): Promise<SnapReply> {
    return this.ask(subjects.snap(this.broadcastId), { relay: this.relayName, group }, parseSnapReply);
  }

  async lease(groups: string[]): Promise<LeaseReply> {
    return this.ask(subjects.lease(this.broadcastId), { relay: this.relayName, groups }, parseLeaseReply);
  }

  /** Says who watches this broadcast here and where guests reach this relay (P.presence). */
  presence(ssh: string, web: string, guests: PresenceGuest[]): void {
    const presence: Presence = { relay: this.relayName, ssh, web, guests };
    try {
      this.nc.publish(subjects.presence(this.broadcastId), encodeControl(presence));
    } catch {
      // NATS is reconnecting: the next lease renewal or the host's next hello says it
    }
  }

  /** Lets go of a group at once (no answer awaited: the lease's expiry is the fallback). */
  release(group: string): void {
    try {
      this.nc.publish(subjects.lease(this.broadcastId), encodeControl({ relay: this.relayName, groups: [], release: [group] }));
    } catch {
      // NATS is reconnecting: the host ends the group once its lease runs out
    }
  }

  subscribe(subject: string, onData: (data: Uint8Array) => void): Subscription {
    return this.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (!err) onData(msg.data);
      },
    });
  }

  private async ask<T>(subject: string, body: object, parse: (text: string) => T): Promise<T> {
    try {
      const reply = await this.nc.request(subject, encodeControl(body), { timeout: REQUEST_TIMEOUT_MS });
      return parse(reply.string());
    } catch (error) {
      return parse(JSON.stringify({ ok: false, error: requestError(error) }));
    }
  }
}
