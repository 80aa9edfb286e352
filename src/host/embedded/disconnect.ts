// Hanging up on a guest with a reason the guest's ssh prints. ssh2's public end() sends
// SSH_MSG_DISCONNECT with an empty description (OpenSSH then shows only "Connection closed by
// ..."), and ssh2 has no public way to send one with text, so this writes the packet through the
// same protocol object end() uses. OpenSSH prints it as "Received disconnect from HOST port N:11: TEXT".
import type { Connection } from 'ssh2';

/** SSH_DISCONNECT_BY_APPLICATION (RFC 4253 11.1): the server chose to end it, nothing broke. */
const BY_APPLICATION = 11;
const SSH_MSG_DISCONNECT = 1;

/** The parts of ssh2's (private) protocol object that writing one packet needs. */
interface RawProtocol {
  _packetRW: { write: { allocStartKEX: number; alloc(length: number, force: boolean): Buffer; finalize(packet: Buffer, force: boolean): Buffer } };
  _cipher: { encrypt(packet: Buffer): void };
}

function rawProtocol(client: Connection): RawProtocol | undefined {
  const proto = (client as unknown as { _protocol?: Partial<RawProtocol> })._protocol;
  const write = proto?._packetRW?.write;
  if (!proto?._cipher || !write || typeof write.alloc !== 'function' || typeof write.finalize !== 'function') return undefined;
  return proto as RawProtocol;
}

/**
 * Sends SSH_MSG_DISCONNECT carrying `description`, then ends the socket. Returns false (sending
 * nothing) when this ssh2 no longer looks as expected; the caller then hangs up without the text.
 */
export function disconnectWithReason(client: Connection, description: string): boolean {
  const proto = rawProtocol(client);
  if (!proto) return false;
  try {
    const text = Buffer.from(description, 'utf8');
    let p = proto._packetRW.write.allocStartKEX;
    const packet = proto._packetRW.write.alloc(1 + 4 + 4 + text.length + 4, true);
    packet[p++] = SSH_MSG_DISCONNECT;
    p = packet.writeUInt32BE(BY_APPLICATION, p);
    p = packet.writeUInt32BE(text.length, p);
    p += text.copy(packet, p);
    packet.writeUInt32BE(0, p); // empty language tag
    proto._cipher.encrypt(proto._packetRW.write.finalize(packet, true));
    return true;
  } catch {
    return false;
  }
}
