/**
 * WebSocket frames as bytes on the wire (RFC 6455, section 5.2), built once for a whole room.
 * A server's frames are not masked, so the same bytes serve every subscriber: a broadcast writes
 * them to each socket as they are, instead of framing the message again per socket (what
 * `ws.send` does). This is what `ws`'s maintainers advise for a broadcast (websockets/ws#617,
 * #1016), and it holds only because the gateway's `ws` never holds a frame back: permessage-deflate
 * is off and no Blob is sent, so whatever `ws` writes is already on the socket, in order.
 */

const FIN_TEXT = 0x81;

/** A final, unmasked text frame around `payload` (UTF-8 JSON). */
export function textFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = FIN_TEXT;
  if (length < 126) frame[1] = length;
  else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  payload.copy(frame, headerLength);
  return frame;
}
