import WebSocket from 'ws';
import { textFrame } from '../../src/realtime/wireFrames';

/** `ws`'s own framing (exported at runtime, not in its types). */
const { Sender } = WebSocket as unknown as {
  Sender: { frame(data: Buffer, options: Record<string, boolean | number>): Buffer[] };
};

/** The frame `ws` itself would put on the wire for this text, as a server (unmasked). */
const wsFrame = (payload: Buffer) =>
  Buffer.concat(Sender.frame(payload, { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }));

describe('textFrame', () => {
  it.each([0, 1, 125, 126, 127, 993, 65_535, 65_536, 200_000])(
    'is byte for byte what ws sends for a %i-byte message',
    (size) => {
      const payload = Buffer.alloc(size, 'a');
      expect(textFrame(payload).equals(wsFrame(payload))).toBe(true);
    },
  );

  it('keeps multi-byte UTF-8 text whole, its length counted in bytes', () => {
    const payload = Buffer.from(JSON.stringify({ title: 'Gemälde – 油画 🖼️' }));
    const frame = textFrame(payload);
    expect(frame.equals(wsFrame(payload))).toBe(true);
    expect(frame.subarray(2).toString()).toBe(payload.toString());
  });
});
