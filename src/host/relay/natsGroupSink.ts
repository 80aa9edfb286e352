// A host size group's output on NATS, as a GuestSink: the fan-out (GuestFeed) writes to it
// exactly as to a guest's SSH channel, and each write goes out ONCE on the group's subject as a
// frame with the next sequence number (wire/relayProtocol.ts), whatever number of relays and
// guests read it.
//
// Its queue is what the NATS client has taken and the server has not yet confirmed (a flush): a
// host whose link to NATS backs up has its group's feed fall behind like a slow guest's, and the
// feed resynchronises by writing the screen, which goes out as the next frame. No sequence number
// is ever skipped or repeated: dropped output never gets one.
import { EventEmitter } from 'node:events';
import type { NatsConnection } from '@nats-io/nats-core';
import type { StreamMark } from '../curtain/curtainMarks';
import type { GuestSink } from '../fanout/guestFeed';
import { encodeFrame, FrameKind } from '../../wire/relayProtocol';

export class NatsGroupSink extends EventEmitter implements GuestSink {
  /** The sequence number of the last frame published (0: none yet). */
  seq = 0;
  private pending = 0;
  private flushing = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly subject: string,
  ) {
    super();
  }

  get writable(): boolean {
    return !this.nc.isClosed();
  }

  get writableLength(): number {
    return this.pending;
  }

  write(data: Buffer, done: () => void): void {
    this.publish('bytes', data);
    done();
  }

  mark(mark: StreamMark): void {
    this.publish(mark.curtain === 'down' ? 'curtain-down' : 'curtain-up');
  }

  /** The group's tmux client ended with `code`: relays end their guests' views. */
  end(code: number): void {
    this.publish('end', Buffer.from(String(code)));
  }

  /**
   * The link to NATS is back: what was waiting for a flush then was either sent or lost with the
   * old connection (a flush in flight was rejected). The feed may write again; relays get back in
   * step from a snapshot, so a lost frame is repaired like any gap.
   */
  reconnected(): void {
    this.pending = 0;
    this.emit('drain');
  }

  private publish(kind: FrameKind, payload?: Buffer): void {
    if (this.nc.isClosed()) return;
    const frame = encodeFrame(kind, ++this.seq, payload);
    try {
      this.nc.publish(this.subject, frame);
    } catch {
      return; // closing: the relays learn the end from the registry and P.ended
    }
    this.pending += frame.length;
    this.flush();
  }

  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    const covered = this.pending;
    this.nc.flush().then(
      () => {
        this.flushing = false;
        this.pending = Math.max(0, this.pending - covered);
        this.emit('drain');
        if (this.pending > 0) this.flush();
      },
      () => {
        this.flushing = false;
      },
    );
  }
}
