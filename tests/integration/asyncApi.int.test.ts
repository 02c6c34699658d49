/**
 * docs/asyncapi.json: generated from the code (and kept equal to it), valid AsyncAPI, and true:
 * every frame a real session receives matches the schema of its message type.
 */
import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { ASYNCAPI_FILE, asyncApiText } from '../../src/cli/writeAsyncApi';
import { serverMessageSchemas } from '../../src/realtime';
import { call, createAuction, registerUser, startTestApp } from '../support/testApp';
import { connectWs } from '../support/wsClient';

describe('the AsyncAPI document of /ws', () => {
  it('is what the code generates (run `npm run docs:asyncapi` after changing the protocol)', () => {
    expect(readFileSync(ASYNCAPI_FILE, 'utf8')).toBe(asyncApiText());
  });

  it('is valid AsyncAPI', async () => {
    const diagnostics = await new Parser().validate(readFileSync(ASYNCAPI_FILE, 'utf8'));
    const errors = diagnostics
      .filter((d) => d.severity === 0)
      .map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(errors).toEqual([]);
  });

  it('describes every frame a real session receives', async () => {
    const server = await startTestApp({ label: 'asyncapi' });
    try {
      const seller = await registerUser(server.url, 'seller');
      const bidder = await registerUser(server.url, 'bidder');
      const auctionId = await createAuction(server.url, seller.token, { reservePrice: 9000 });
      const other = await registerUser(server.url, 'other');
      const bid = (amount: number, maxAmount?: number, token = bidder.token) =>
        call(server.url, 'POST', `/auctions/${auctionId}/bids`, {
          token,
          body: { amount, ...(maxAmount ? { maxAmount } : {}) },
        });
      expect((await bid(1000, 5000)).status).toBe(201);

      const ws = await connectWs(server.url, { token: seller.token });
      ws.send({ type: 'subscribe', auctionId, afterRevision: 0 }); // resume: history, then live
      await ws.until((m) => m.some((x) => x.type === 'auction.event'));
      expect((await bid(6000, undefined, other.token)).status).toBe(201); // a bid others see
      await ws.until((m) => m.filter((x) => x.type === 'auction.event').length >= 2);
      ws.send({ type: 'ping' });
      ws.send('{not json');
      ws.send({ type: 'subscribe', auctionId: 'nope' });
      ws.send({ type: 'dance' });
      ws.send({ type: 'subscribe', auctionId });
      ws.send({ type: 'subscribe', auctionId: '00000000-0000-4000-8000-000000000000' });
      ws.send({ type: 'unsubscribe', auctionId });
      await ws.until((m) => m.some((x) => x.type === 'unsubscribed'));
      await ws.until((m) => m.filter((x) => x.type === 'error').length >= 5);
      ws.close();

      const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
      const byType: Record<string, object> = {
        subscribed: serverMessageSchemas.subscribed,
        'auction.event': serverMessageSchemas.auctionEvent,
        unsubscribed: serverMessageSchemas.unsubscribed,
        error: serverMessageSchemas.error,
        pong: serverMessageSchemas.pong,
      };
      expect(new Set(ws.messages.map((m) => m.type))).toEqual(new Set(Object.keys(byType)));
      for (const message of ws.messages) {
        const validate = ajv.compile(byType[message.type]!);
        if (!validate(message))
          throw new Error(`${JSON.stringify(message)}: ${ajv.errorsText(validate.errors)}`);
      }
      // As a number anywhere in a frame (not inside an id, which may hold the digits by chance).
      const asNumber = (n: number) => new RegExp(`[:,\\[]${n}[,}\\]]`);
      expect(ws.raw.join('\n')).not.toMatch(asNumber(9000)); // the reserve, even to the seller's socket
      expect(ws.raw.join('\n')).not.toMatch(asNumber(5000)); // the bidder's maximum
    } finally {
      await server.stop();
    }
  });
});
